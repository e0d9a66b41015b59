// ASCII armor for age files (C2SP age.md, "ASCII armor"): strict PEM (RFC 7468 §3) with the label
// "AGE ENCRYPTED FILE", padded canonical base64, 64 columns per line.
//
//   -----BEGIN AGE ENCRYPTED FILE-----
//   <64 columns>             every line but the last encodes exactly 48 bytes
//   <1..64 columns>          the last line encodes 1..48 bytes (absent for an empty file)
//   -----END AGE ENCRYPTED FILE-----
//
// The decoder accepts LF or CRLF at the end of each line, whitespace-only lines before the BEGIN line
// and whitespace after the END line (each at most MAX_WHITESPACE bytes, as age does), a missing final
// line break, and nothing else: no headers, no empty or over-long lines, no spaces inside lines, no
// checksum line, no garbage around the block. Every failure is CryptoError('ARMOR_INVALID'). Both
// directions stream in constant memory.

import { concatParts } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import { decodeFullLine, decodePaddedBase64, encodeFullLines, encodePaddedBase64 } from './base64.ts';

export const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
export const ARMOR_END = '-----END AGE ENCRYPTED FILE-----';
const COLUMNS_PER_LINE = 64;
const BYTES_PER_LINE = 48;
/** Most whitespace accepted before the BEGIN line and after the END line. */
export const MAX_WHITESPACE = 1024;
const MAX_LINE = MAX_WHITESPACE + 2;
const LF = 0x0a;
const CR = 0x0d;
// Lines are checked to be ASCII first, so UTF-8 decoding is exact.
const ASCII = new TextDecoder();

type Emit = (bytes: Uint8Array) => void;
type State = 'leading' | 'body' | 'footer' | 'trailing';

/** Line-by-line armor decoding state machine, shared by the TransformStream and the one-shot function. */
class ArmorReader {
  private state: State = 'leading';
  private partial: Uint8Array[] = [];
  private partialLength = 0;
  private whitespace = 0;

  push(input: Uint8Array, emit: Emit): void {
    const out = new Output(input.length);
    let rest = input;
    while (rest.length > 0) {
      if (this.state === 'trailing') {
        this.trailing(rest);
        break;
      }
      const lf = rest.indexOf(LF);
      if (lf === -1) {
        this.appendPartial(rest);
        break;
      }
      // Fast path: a whole 64-column line inside this chunk, decoded without building strings.
      const full = lf === COLUMNS_PER_LINE || (lf === COLUMNS_PER_LINE + 1 && rest[COLUMNS_PER_LINE] === CR);
      if (!(full && this.partialLength === 0 && this.state === 'body' && out.fullLine(rest))) {
        this.appendPartial(rest.subarray(0, lf));
        this.line(this.takeLine(), out);
      }
      rest = rest.subarray(lf + 1);
    }
    out.emitTo(emit);
  }

  finish(emit: Emit): void {
    const out = new Output(0);
    // A last line without a line break still counts (age accepts a missing final LF).
    if (this.partialLength > 0) this.line(this.takeLine(), out);
    out.emitTo(emit);
    if (this.state !== 'trailing') throw new CryptoError('ARMOR_INVALID');
  }

  private appendPartial(piece: Uint8Array): void {
    this.partial.push(piece);
    this.partialLength += piece.length;
    if (this.partialLength > MAX_LINE) throw new CryptoError('ARMOR_INVALID');
  }

  private takeLine(): string {
    const bytes = concatParts(this.partial);
    this.partial = [];
    this.partialLength = 0;
    for (const byte of bytes) if (byte > 0x7e) throw new CryptoError('ARMOR_INVALID');
    const text = ASCII.decode(bytes);
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }

  private line(line: string, out: Output): void {
    switch (this.state) {
      case 'leading':
        this.leadingLine(line);
        return;
      case 'body':
        if (line === ARMOR_END) this.state = 'trailing';
        else this.dataLine(line, out);
        return;
      case 'footer':
        if (line !== ARMOR_END) throw new CryptoError('ARMOR_INVALID');
        this.state = 'trailing';
        return;
      case 'trailing':
        // Unreachable: after the END line, push() checks raw bytes and finish() has no partial line.
        throw new CryptoError('ARMOR_INVALID');
    }
  }

  private leadingLine(line: string): void {
    if (isWhitespace(line)) {
      this.whitespace += line.length + 1;
      if (this.whitespace > MAX_WHITESPACE) throw new CryptoError('ARMOR_INVALID');
      return;
    }
    if (line !== ARMOR_BEGIN) throw new CryptoError('ARMOR_INVALID');
    this.state = 'body';
    this.whitespace = 0;
  }

  private dataLine(line: string, out: Output): void {
    if (line.length === 0 || line.length > COLUMNS_PER_LINE) throw new CryptoError('ARMOR_INVALID');
    const bytes = decodePaddedBase64(line, 'ARMOR_INVALID');
    if (bytes.length > 0) out.push(bytes);
    // A short line is the last one: the END line must follow.
    if (bytes.length < BYTES_PER_LINE) this.state = 'footer';
  }

  private trailing(bytes: Uint8Array): void {
    this.whitespace += bytes.length;
    if (this.whitespace >= MAX_WHITESPACE) throw new CryptoError('ARMOR_INVALID');
    for (const byte of bytes) {
      if (!WHITESPACE_BYTES.has(byte)) throw new CryptoError('ARMOR_INVALID');
    }
  }
}

/** Decoded bytes of one input chunk, in order: full lines land in one preallocated buffer. */
class Output {
  private readonly parts: Uint8Array[] = [];
  private readonly fast: Uint8Array;
  private start = 0;
  private end = 0;

  constructor(inputLength: number) {
    // Each full line takes at least 65 input bytes (64 columns and LF).
    this.fast = new Uint8Array(Math.floor(inputLength / (COLUMNS_PER_LINE + 1)) * BYTES_PER_LINE);
  }

  /** Decodes a 64-column line at the start of `src`; false (nothing written) if it is not plain base64. */
  fullLine(src: Uint8Array): boolean {
    if (this.end + BYTES_PER_LINE > this.fast.length || !decodeFullLine(src, 0, this.fast, this.end)) return false;
    this.end += BYTES_PER_LINE;
    return true;
  }

  push(bytes: Uint8Array): void {
    this.flushFast();
    this.parts.push(bytes);
  }

  emitTo(emit: Emit): void {
    this.flushFast();
    if (this.parts.length === 1) emit(this.parts[0]!);
    else if (this.parts.length > 1) emit(concatParts(this.parts));
  }

  private flushFast(): void {
    if (this.end > this.start) this.parts.push(this.fast.subarray(this.start, this.end));
    this.start = this.end;
  }
}

const WHITESPACE_BYTES = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

function isWhitespace(line: string): boolean {
  return /^[ \t\r\n\v\f]*$/.test(line);
}

/** Armored text in (bytes), the age file out. Errors with CryptoError('ARMOR_INVALID'). */
export function createArmorDecoder(): TransformStream<Uint8Array, Uint8Array> {
  const reader = new ArmorReader();
  return new TransformStream({
    transform: (chunk, controller) => { reader.push(chunk, (out) => { controller.enqueue(out); }); },
    flush: (controller) => { reader.finish((out) => { controller.enqueue(out); }); },
  });
}

/** Decodes a whole armored file held in memory. */
export function armorDecode(armored: Uint8Array | string): Uint8Array {
  const input = typeof armored === 'string' ? new TextEncoder().encode(armored) : armored;
  const parts: Uint8Array[] = [];
  const reader = new ArmorReader();
  reader.push(input, (out) => parts.push(out));
  reader.finish((out) => parts.push(out));
  return concatParts(parts);
}

/** Encoding state: holds fewer than 48 bytes between calls, so lines are always full but the last. */
class ArmorWriter {
  private pending = new Uint8Array(0);
  private started = false;

  push(input: Uint8Array, emit: Emit): void {
    const bytes = this.pending.length === 0 ? input : concatParts([this.pending, input]);
    const full = bytes.length - (bytes.length % BYTES_PER_LINE);
    this.pending = bytes.slice(full);
    const lines = encodeFullLines(bytes.subarray(0, full));
    const begin = this.start();
    const out = begin === '' ? lines : concatParts([new TextEncoder().encode(begin), lines]);
    if (out.length > 0) emit(out);
  }

  finish(emit: Emit): void {
    const last = this.pending.length > 0 ? `${encodePaddedBase64(this.pending)}\n` : '';
    this.pending = new Uint8Array(0);
    emit(new TextEncoder().encode(`${this.start()}${last}${ARMOR_END}\n`));
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return `${ARMOR_BEGIN}\n`;
  }
}

/** An age file in, its canonical armor out (LF line endings, final LF). */
export function createArmorEncoder(): TransformStream<Uint8Array, Uint8Array> {
  const writer = new ArmorWriter();
  return new TransformStream({
    transform: (chunk, controller) => { writer.push(chunk, (out) => { controller.enqueue(out); }); },
    flush: (controller) => { writer.finish((out) => { controller.enqueue(out); }); },
  });
}

/** Armors a whole file held in memory. */
export function armorEncode(bytes: Uint8Array): string {
  const parts: Uint8Array[] = [];
  const writer = new ArmorWriter();
  writer.push(bytes, (out) => parts.push(out));
  writer.finish((out) => parts.push(out));
  return new TextDecoder().decode(concatParts(parts));
}
