// The age v1 header (C2SP age.md, "Header"): a version line, one or more recipient stanzas, and a MAC line.
//
//   age-encryption.org/v1
//   -> X25519 <base64 share>
//   <base64 body, 64 columns per line, ending with a line shorter than 64 columns (maybe empty)>
//   --- <base64 HMAC-SHA-256 over everything up to and including "---">
//
// The parser is strict: every line is printable ASCII ending in LF (a CR is an error), arguments are
// non-empty VCHAR strings separated by single spaces, base64 is canonical and unpadded. So a header that
// parses has exactly one encoding, and `encodeHeader(parseHeader(x))` gives back `x` byte for byte.

import { concatParts } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import { hkdfSha256, hmacSha256 } from '../primitives.ts';
import { decodeRawBase64, encodeRawBase64 } from './base64.ts';

/** A recipient stanza: its first argument (the type), the other arguments, and the decoded body. */
export interface Stanza {
  readonly type: string;
  readonly args: readonly string[];
  readonly body: Uint8Array;
}

export interface AgeHeader {
  readonly stanzas: readonly Stanza[];
  readonly mac: Uint8Array;
}

/** A parsed header, the bytes its MAC covers, and how many input bytes it took (final LF included). */
export interface ParsedHeader {
  readonly header: AgeHeader;
  readonly macInput: Uint8Array;
  readonly length: number;
}

export const VERSION_LINE = 'age-encryption.org/v1';
export const MAC_BYTES = 32;
/** Body bytes per full stanza line (64 base64 columns). */
export const BYTES_PER_LINE = 48;
/**
 * We refuse headers longer than this, so a reader holds a bounded amount before any authentication. It
 * fits about 600 hybrid stanzas (1.6 KB each); age itself sets no limit.
 */
export const MAX_HEADER_BYTES = 1024 * 1024;

const VERSION_PREFIX = 'age-encryption.org/';
const LF = 0x0a;
// Lines are checked to be printable ASCII first, so UTF-8 decoding is exact.
const ASCII = new TextDecoder();

/**
 * Parses a header at the start of `input`. Returns null when `input` ends before the MAC line does (read
 * more, then call again). Throws CryptoError: VERSION_UNSUPPORTED for another age version,
 * FORMAT_INVALID for anything else malformed, including a header past MAX_HEADER_BYTES.
 */
export function parseHeader(input: Uint8Array): ParsedHeader | null {
  const lines = new LineCursor(input.subarray(0, MAX_HEADER_BYTES));
  const version = lines.next();
  if (version === null) return needMore(input);
  if (version !== VERSION_LINE) {
    throw new CryptoError(version.startsWith(VERSION_PREFIX) ? 'VERSION_UNSUPPORTED' : 'FORMAT_INVALID');
  }
  const stanzas: Stanza[] = [];
  for (;;) {
    const start = lines.offset;
    const line = lines.next();
    if (line === null) return needMore(input);
    if (line.startsWith('---')) {
      const mac = parseMacLine(line);
      if (stanzas.length === 0) throw new CryptoError('FORMAT_INVALID');
      const header = { stanzas, mac };
      return { header, macInput: input.slice(0, start + 3), length: lines.offset };
    }
    const stanza = parseStanzaAt(line, lines);
    if (stanza === null) return needMore(input);
    stanzas.push(stanza);
  }
}

/** Decodes exactly one stanza in its canonical text form (see encodeStanza); FORMAT_INVALID otherwise. */
export function decodeStanza(bytes: Uint8Array): Stanza {
  const lines = new LineCursor(bytes);
  const first = lines.next();
  const stanza = first === null ? null : parseStanzaAt(first, lines);
  if (stanza === null || lines.offset !== bytes.length) throw new CryptoError('FORMAT_INVALID');
  return stanza;
}

/** The canonical text of a stanza: "-> type args…\n", then the body wrapped at 64 columns. */
export function encodeStanza(stanza: Stanza): string {
  for (const arg of [stanza.type, ...stanza.args]) {
    if (!isArgument(arg)) throw new RangeError('stanza arguments must be non-empty printable ASCII without spaces');
  }
  let text = `-> ${[stanza.type, ...stanza.args].join(' ')}\n`;
  // A body whose length is a multiple of 48 (the empty body included) ends with an empty line.
  for (let i = 0; i <= stanza.body.length; i += BYTES_PER_LINE) {
    text += `${encodeRawBase64(stanza.body.subarray(i, i + BYTES_PER_LINE))}\n`;
  }
  return text;
}

export function encodeStanzaBytes(stanza: Stanza): Uint8Array {
  return new TextEncoder().encode(encodeStanza(stanza));
}

/** The bytes the header MAC covers: the version line, every stanza, and "---". */
export function encodeHeaderNoMac(stanzas: readonly Stanza[]): Uint8Array {
  if (stanzas.length === 0) throw new RangeError('an age header needs at least one stanza');
  return new TextEncoder().encode(`${VERSION_LINE}\n${stanzas.map(encodeStanza).join('')}---`);
}

export function encodeHeader(header: AgeHeader): Uint8Array {
  return new TextEncoder().encode(
    `${VERSION_LINE}\n${header.stanzas.map(encodeStanza).join('')}--- ${encodeRawBase64(header.mac)}\n`,
  );
}

/** HMAC-SHA-256(key = HKDF-SHA-256(ikm = file key, salt = empty, info = "header"), macInput). */
export function computeHeaderMac(fileKey: Uint8Array, macInput: Uint8Array): Uint8Array {
  const key = hkdfSha256(fileKey, new Uint8Array(0), new TextEncoder().encode('header'), 32);
  return hmacSha256(key, macInput);
}

// The argument line is already read; reads the body lines. Returns null if the input ends inside the body.
function parseStanzaAt(argLine: string, lines: LineCursor): Stanza | null {
  const [prefix, type, ...args] = argLine.split(' ');
  if (prefix !== '->' || type === undefined || ![type, ...args].every(isArgument)) {
    throw new CryptoError('FORMAT_INVALID');
  }
  const parts: Uint8Array[] = [];
  for (;;) {
    const line = lines.next();
    if (line === null) return null;
    const bytes = decodeRawBase64(line);
    if (bytes.length > BYTES_PER_LINE) throw new CryptoError('FORMAT_INVALID');
    parts.push(bytes);
    if (bytes.length < BYTES_PER_LINE) return { type, args, body: concatParts(parts) };
  }
}

function parseMacLine(line: string): Uint8Array {
  const parts = line.split(' ');
  if (parts.length !== 2 || parts[0] !== '---') throw new CryptoError('FORMAT_INVALID');
  const mac = decodeRawBase64(parts[1]!);
  if (mac.length !== MAC_BYTES) throw new CryptoError('FORMAT_INVALID');
  return mac;
}

/** 1*VCHAR: printable ASCII, no space. */
function isArgument(value: string): boolean {
  return /^[\x21-\x7e]+$/.test(value);
}

function needMore(input: Uint8Array): null {
  if (input.length >= MAX_HEADER_BYTES) throw new CryptoError('FORMAT_INVALID');
  return null;
}

/** LF-terminated lines of printable ASCII (0x20..0x7e); any other byte in a line is FORMAT_INVALID. */
class LineCursor {
  offset = 0;

  constructor(private readonly input: Uint8Array) {}

  /** The next complete line without its LF, or null when no LF follows (the input may be cut short). */
  next(): string | null {
    let end = this.offset;
    while (end < this.input.length && this.input[end] !== LF) {
      const byte = this.input[end]!;
      if (byte < 0x20 || byte > 0x7e) throw new CryptoError('FORMAT_INVALID');
      end++;
    }
    if (end === this.input.length) return null;
    const line = ASCII.decode(this.input.subarray(this.offset, end));
    this.offset = end + 1;
    return line;
  }
}
