// Property tests of the document payload format (and through it, of STREAM): any size, any slicing,
// any single change. Sizes stay under ~300 KiB and runs are few: the machine is shared.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DocumentContext } from '../../crypto/document-context.ts';
import {
  createDocumentDecryptor,
  createDocumentEncryptor,
  DOCUMENT_HEADER_BYTES,
  documentPayloadLength,
  encryptDocumentBytes,
  LENGTH_PREFIX_BYTES,
  type DocumentAlgorithm,
} from '../../crypto/document.ts';
import { padmeLength } from '../../crypto/padding.ts';
import { CHUNK_SIZE, SEALED_CHUNK_SIZE, sealedStreamLength } from '../../crypto/stream.ts';
import { concat, errorCode, isPrefixOf, patternBytes, runTransform, sliceBy, expectSameBytes } from '../unit/stream-harness.ts';

const FILE_KEY = patternBytes(32, 41);
const CONTEXT: DocumentContext = { vaultId: 'v-1', documentId: 'd-1', version: 0 };
const algorithm = fc.constantFrom<DocumentAlgorithm>('aes-256-gcm', 'chacha20-poly1305');
const slicing = fc.array(fc.integer({ min: 1, max: 3 * SEALED_CHUNK_SIZE }), { minLength: 1, maxLength: 5 });

async function roundTrip(size: number, alg: DocumentAlgorithm, inSlices: number[], outSlices: number[]): Promise<void> {
  const plaintext = patternBytes(size, size + 3);
  const sealed = await runTransform(createDocumentEncryptor(FILE_KEY, CONTEXT, size, { algorithm: alg }), sliceBy(plaintext, inSlices));
  expect(sealed.error).toBeUndefined();
  expect(sealed.released.length).toBe(documentPayloadLength(size));
  const opened = await runTransform(createDocumentDecryptor(FILE_KEY, CONTEXT), sliceBy(sealed.released, outSlices));
  expect(opened.error).toBeUndefined();
  expectSameBytes(opened.released, plaintext);
}

// Sizes where the padded inner length (size + 8, rounded up by Padmé) sits on a chunk boundary.
const ONE_FULL_CHUNK = CHUNK_SIZE - LENGTH_PREFIX_BYTES; // inner exactly 64 KiB: one full, final chunk
const BOUNDARY_SIZES = [
  0,
  1,
  ...Array.from({ length: 19 }, (_, i) => ONE_FULL_CHUNK - 9 + i),
  ...Array.from({ length: 19 }, (_, i) => CHUNK_SIZE - 9 + i),
  2 * CHUNK_SIZE - LENGTH_PREFIX_BYTES,
  2 * CHUNK_SIZE - LENGTH_PREFIX_BYTES + 1,
  3 * CHUNK_SIZE - LENGTH_PREFIX_BYTES,
  3 * CHUNK_SIZE + 1,
];

describe('document payload properties', () => {
  it('round-trips at every size around the chunk boundaries, with random slicing', async () => {
    let i = 0;
    for (const size of BOUNDARY_SIZES) {
      const alg: DocumentAlgorithm = i++ % 4 === 0 ? 'chacha20-poly1305' : 'aes-256-gcm';
      await roundTrip(size, alg, [1 + ((size * 7919) % 70_000)], [1 + ((size * 104_729) % 140_000)]);
    }
  });

  it('round-trips random sizes up to 300 KiB with random slicing in and out', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 300 * 1024 }), algorithm, slicing, slicing, async (size, alg, a, b) => {
        await roundTrip(size, alg, a, b);
      }),
      { numRuns: 25 },
    );
  });

  it('ATK-07 a sampled single-bit flip of a multi-chunk payload: typed error, only authenticated plaintext released', async () => {
    const plaintext = patternBytes(150_000, 2);
    const blob = await encryptDocumentBytes(FILE_KEY, CONTEXT, plaintext);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: blob.length * 8 - 1 }), slicing, async (bit, lengths) => {
        const mutated = blob.slice();
        mutated[bit >> 3]! ^= 1 << (bit & 7);
        const run = await runTransform(createDocumentDecryptor(FILE_KEY, CONTEXT), sliceBy(mutated, lengths));
        expect(errorCode(run.error)).not.toMatch(/^(none|other)$/);
        expect(isPrefixOf(run.released, plaintext)).toBe(true);
        const byte = bit >> 3;
        if (byte >= DOCUMENT_HEADER_BYTES) {
          const chunk = Math.floor((byte - DOCUMENT_HEADER_BYTES) / SEALED_CHUNK_SIZE);
          expect(run.released.length).toBeLessThanOrEqual(Math.max(0, chunk * CHUNK_SIZE - LENGTH_PREFIX_BYTES));
        } else {
          expect(run.released.length).toBe(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('ATK-09 every strict prefix of a payload is STREAM_TRUNCATED', async () => {
    const plaintext = patternBytes(140_000, 4);
    const blob = await encryptDocumentBytes(FILE_KEY, CONTEXT, plaintext);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: blob.length - 1 }), slicing, async (cut, lengths) => {
        const run = await runTransform(createDocumentDecryptor(FILE_KEY, CONTEXT), sliceBy(blob.subarray(0, cut), lengths));
        expect(errorCode(run.error)).toBe('STREAM_TRUNCATED');
        expect(isPrefixOf(run.released, plaintext)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('ATK-10 any bytes appended to a payload are STREAM_TRAILING_DATA', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 * CHUNK_SIZE }), fc.uint8Array({ minLength: 1, maxLength: 100 }), async (size, extra) => {
        const blob = await encryptDocumentBytes(FILE_KEY, CONTEXT, patternBytes(size));
        const run = await runTransform(createDocumentDecryptor(FILE_KEY, CONTEXT), [concat([blob, extra])]);
        expect(errorCode(run.error)).toBe('STREAM_TRAILING_DATA');
      }),
      { numRuns: 25 },
    );
  });

  it('ATK-11 a payload opened under any other context fails with DECRYPTION_FAILED', async () => {
    const blob = await encryptDocumentBytes(FILE_KEY, CONTEXT, patternBytes(500));
    const id = fc.string({ minLength: 1, maxLength: 12 });
    const other = fc.record({ vaultId: id, documentId: id, version: fc.nat({ max: 0xffff_ffff }) }).filter(
      (c) => c.vaultId !== CONTEXT.vaultId || c.documentId !== CONTEXT.documentId || c.version !== CONTEXT.version,
    );
    await fc.assert(
      fc.asyncProperty(other, async (context) => {
        const run = await runTransform(createDocumentDecryptor(FILE_KEY, context), [blob]);
        expect(errorCode(run.error)).toBe('DECRYPTION_FAILED');
        expect(run.released.length).toBe(0);
      }),
      { numRuns: 80 },
    );
  });

  it('ATK-15 the payload size depends only on the Padmé bucket of the length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 36 }), (size) => {
        const padded = padmeLength(size + LENGTH_PREFIX_BYTES);
        expect(documentPayloadLength(size)).toBe(DOCUMENT_HEADER_BYTES + sealedStreamLength(padded));
        // Every size in the same bucket gives the same blob size.
        const lowest = Math.max(0, size - 1);
        if (padmeLength(lowest + LENGTH_PREFIX_BYTES) === padded) {
          expect(documentPayloadLength(lowest)).toBe(documentPayloadLength(size));
        }
        expect(documentPayloadLength(size) - size).toBeLessThanOrEqual(0.12 * (size + 8) + 8 + DOCUMENT_HEADER_BYTES + 16 * Math.ceil((size + 8) / CHUNK_SIZE + 1));
      }),
      { numRuns: 500 },
    );
  });
});
