// STREAM alone (age payload semantics), against a reference written from the spec with noble directly.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chacha20Poly1305ChunkAead } from '../../crypto/chunk-aead.ts';
import { CHUNK_SIZE, createStreamDecryptor, createStreamEncryptor, SEALED_CHUNK_SIZE } from '../../crypto/stream.ts';
import { concat, errorCode, expectSameBytes, isPrefixOf, patternBytes, runTransform, sliceBy } from '../unit/stream-harness.ts';

const KEY = patternBytes(32, 51);
const aead = chacha20Poly1305ChunkAead(KEY);
const slicing = fc.array(fc.integer({ min: 1, max: 2 * SEALED_CHUNK_SIZE }), { minLength: 1, maxLength: 4 });
const size = fc.oneof(fc.integer({ min: 0, max: 3 * CHUNK_SIZE + 20 }), fc.constantFrom(0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE));

function referenceSeal(plaintext: Uint8Array): Uint8Array {
  const chunks = Math.max(1, Math.ceil(plaintext.length / CHUNK_SIZE));
  return concat(Array.from({ length: chunks }, (_, i) => {
    const nonce = new Uint8Array(12);
    new DataView(nonce.buffer).setUint32(7, i);
    nonce[11] = i === chunks - 1 ? 1 : 0;
    return chacha20poly1305(KEY, nonce).encrypt(plaintext.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE));
  }));
}

describe('STREAM properties', () => {
  it('encrypts like the reference and decrypts back, whatever the slicing', async () => {
    await fc.assert(
      fc.asyncProperty(size, slicing, slicing, async (n, a, b) => {
        const plaintext = patternBytes(n, n + 1);
        const sealed = await runTransform(createStreamEncryptor(aead), sliceBy(plaintext, a));
        expectSameBytes(sealed.released, referenceSeal(plaintext));
        const opened = await runTransform(createStreamDecryptor(aead), sliceBy(sealed.released, b));
        expect(opened.error).toBeUndefined();
        expectSameBytes(opened.released, plaintext);
      }),
      { numRuns: 20 },
    );
  });

  it('ATK-07 ATK-08 any single-byte change fails closed and releases only a prefix of whole chunks', async () => {
    const plaintext = patternBytes(2 * CHUNK_SIZE + 50, 3);
    const sealed = referenceSeal(plaintext);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: sealed.length - 1 }), fc.integer({ min: 1, max: 255 }), slicing, async (at, delta, lengths) => {
        const mutated = sealed.slice();
        mutated[at] = (mutated[at]! + delta) & 0xff;
        const run = await runTransform(createStreamDecryptor(aead), sliceBy(mutated, lengths));
        expect(errorCode(run.error)).toBe('DECRYPTION_FAILED');
        expect(isPrefixOf(run.released, plaintext)).toBe(true);
        expect(run.released.length).toBe(Math.floor(at / SEALED_CHUNK_SIZE) * CHUNK_SIZE);
      }),
      { numRuns: 40 },
    );
  });
});
