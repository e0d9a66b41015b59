// Small Web Streams helpers: read an age header off a byte stream, then hand the rest on; all in constant
// memory (at most the header, bounded by MAX_HEADER_BYTES, plus one input chunk).

import { concatParts } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import { MAX_HEADER_BYTES, parseHeader, type ParsedHeader } from './format.ts';

export type ByteReader = ReadableStreamDefaultReader<Uint8Array>;

const MAC_LINE_START = Uint8Array.of(0x0a, 0x2d, 0x2d, 0x2d); // "\n---"

/**
 * Reads a header and then at least `extra` more bytes. Returns the header and every byte read past it.
 * Parsing is attempted on the first chunk, then only when a "\n---" (a possible MAC line) arrives, or at the end of input, so
 * tiny input chunks do not make it quadratic. Throws what parseHeader throws; input that ends first is
 * FORMAT_INVALID.
 */
export async function readHeader(reader: ByteReader, extra: number): Promise<{ parsed: ParsedHeader; rest: Uint8Array }> {
  const buffer = new Accumulator();
  let parsed: ParsedHeader | null = null;
  for (;;) {
    if (parsed !== null && buffer.length >= parsed.length + extra) {
      return { parsed, rest: buffer.bytes().subarray(parsed.length) };
    }
    const { done, value } = await reader.read();
    if (done) {
      parsed ??= parseHeader(buffer.bytes());
      if (parsed === null || buffer.length < parsed.length + extra) throw new CryptoError('FORMAT_INVALID');
      continue;
    }
    const first = buffer.length === 0;
    const scanFrom = Math.max(0, buffer.length - 3);
    buffer.append(value);
    // The first chunk is parsed at once too, so a file that is not age at all fails without reading on.
    if (parsed === null && (first || containsAt(buffer.bytes(), MAC_LINE_START, scanFrom) || buffer.length >= MAX_HEADER_BYTES)) {
      parsed = parseHeader(buffer.bytes());
    }
  }
}

/** Appends chunks with amortised doubling, so many small chunks cost linear time; a lone chunk is not copied. */
class Accumulator {
  private buffer: Uint8Array = new Uint8Array(0);
  private owned = false;
  length = 0;

  append(chunk: Uint8Array): void {
    if (this.length === 0) {
      this.buffer = chunk;
      this.owned = false;
      this.length = chunk.length;
      return;
    }
    if (!this.owned || this.length + chunk.length > this.buffer.length) {
      const grown = new Uint8Array(Math.max(2 * this.buffer.length, this.length + chunk.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
      this.owned = true;
    }
    this.buffer.set(chunk, this.length);
    this.length += chunk.length;
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

function containsAt(haystack: Uint8Array, needle: Uint8Array, from: number): boolean {
  let i = haystack.indexOf(needle[0]!, from);
  while (i !== -1 && i + needle.length <= haystack.length) {
    if (needle.every((byte, j) => haystack[i + j] === byte)) return true;
    i = haystack.indexOf(needle[0]!, i + 1);
  }
  return false;
}

/** A stream of `head` followed by what `reader` yields; cancelling it cancels the reader. */
export function prependBytes(head: Uint8Array, reader: ByteReader, mapError: (error: unknown) => unknown = (e) => e): ReadableStream<Uint8Array> {
  let sentHead = head.length === 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentHead) {
        sentHead = true;
        controller.enqueue(head);
        return;
      }
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(mapError(error));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/**
 * A readable that opens `source` lazily on first pull and then relays it; an error from `open` (a header
 * failure) or from the source errors this stream. Cancelling cancels the source, if opened.
 */
export function lazyReadable(open: () => Promise<ReadableStream<Uint8Array>>): ReadableStream<Uint8Array> {
  let reader: ByteReader | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        reader ??= (await open()).getReader();
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel: (reason) => reader?.cancel(reason),
  });
}

/** All bytes of a stream (tests and small files). */
export async function collectBytes(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concatParts(parts);
    parts.push(value);
  }
}

/** A stream of `bytes` cut into chunks of `chunkSize`. */
export function bytesToStream(bytes: Uint8Array, chunkSize = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}
