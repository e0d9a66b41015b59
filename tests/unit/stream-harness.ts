// Drives a TransformStream the way a caller does (input in given slices, output read concurrently) and
// reports what it released before it ended or failed.
import { concatParts as concat } from '../../crypto/bytes.ts';
import { expect } from 'vitest';
import { isCryptoError, type CryptoErrorCode } from '../../crypto/errors.ts';

export interface StreamRun {
  released: Uint8Array;
  error: unknown;
}

export async function runTransform(
  transform: TransformStream<Uint8Array, Uint8Array>,
  slices: Iterable<Uint8Array>,
): Promise<StreamRun> {
  const parts: Uint8Array[] = [];
  const reader = transform.readable.getReader();
  const writer = transform.writable.getWriter();
  const reading = (async (): Promise<unknown> => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        parts.push(value);
      }
    } catch (error) {
      return error;
    }
  })();
  const writing = (async (): Promise<unknown> => {
    try {
      for (const slice of slices) await writer.write(slice);
      await writer.close();
      return undefined;
    } catch (error) {
      return error;
    }
  })();
  const [readError, writeError] = await Promise.all([reading, writing]);
  return { released: concat(parts), error: readError ?? writeError };
}

/** Cuts `bytes` into consecutive slices of the given lengths (cycled), the last taking the rest. */
export function* sliceBy(bytes: Uint8Array, lengths: readonly number[]): Generator<Uint8Array> {
  let offset = 0;
  let i = 0;
  while (offset < bytes.length) {
    const length = lengths.length === 0 ? bytes.length : Math.max(1, lengths[i % lengths.length]!);
    yield bytes.subarray(offset, offset + length);
    offset += length;
    i++;
  }
}


/** Deterministic, non-repeating test bytes (so a misplaced chunk shows). */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function errorCode(error: unknown): CryptoErrorCode | 'none' | 'other' {
  if (error === undefined) return 'none';
  return isCryptoError(error) ? error.code : 'other';
}

/** True when `released` is a prefix of `expected` (nothing unauthenticated or foreign was released). */
export function isPrefixOf(released: Uint8Array, expected: Uint8Array): boolean {
  if (released.length > expected.length) return false;
  for (let i = 0; i < released.length; i++) if (released[i] !== expected[i]) return false;
  return true;
}

/**
 * Asserts two byte strings are equal. (vitest's toEqual walks typed arrays element by element: seconds
 * for a few hundred KiB.) On failure it reports the lengths and the first differing offset.
 */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  let firstDifference = -1;
  const common = Math.min(actual.length, expected.length);
  if (Buffer.compare(actual, expected) !== 0) {
    firstDifference = common;
    for (let i = 0; i < common; i++) {
      if (actual[i] !== expected[i]) {
        firstDifference = i;
        break;
      }
    }
  }
  expect({ length: actual.length, firstDifference }).toEqual({ length: expected.length, firstDifference: -1 });
}

export { concat };
