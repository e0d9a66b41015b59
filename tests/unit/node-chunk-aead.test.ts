// The node:crypto ChunkAeads of the command-line client (client/cli/node-chunk-aead.ts): Wycheproof
// ChaCha20-Poly1305 vectors without associated data (a ChunkAead takes none), byte equality with the
// pure implementations in crypto/chunk-aead.ts, and refusal of altered chunks (ATK-07).
import { describe, expect, it } from 'vitest';
import { nodeAes256GcmChunkAead, nodeChaCha20Poly1305ChunkAead } from '../../client/cli/node-chunk-aead.ts';
import { aes256GcmChunkAead, chacha20Poly1305ChunkAead } from '../../crypto/chunk-aead.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import { randomBytes } from '../../crypto/primitives.ts';
import { joinSealed } from '../../crypto/stream.ts';
import { hex, loadWycheproof, toHex, type AeadGroup } from '../vectors/vector-files.ts';

async function rejects(operation: () => unknown): Promise<unknown> {
  try {
    await operation();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('nodeChaCha20Poly1305ChunkAead against Wycheproof', () => {
  const file = loadWycheproof<AeadGroup>('chacha20_poly1305_test.json');
  const applicable = file.testGroups
    .filter((group) => group.ivSize === 96 && group.keySize === 256 && group.tagSize === 128)
    .flatMap((group) => group.tests)
    .filter((test) => test.aad === '');

  it('runs every 96-bit-nonce vector without associated data', async () => {
    expect(file.numberOfTests).toBe(325);
    expect(applicable.length).toBe(45);
    const failures: string[] = [];
    for (const test of applicable) {
      const aead = nodeChaCha20Poly1305ChunkAead(hex(test.key));
      const sealed = new Uint8Array([...hex(test.ct), ...hex(test.tag)]);
      if (test.result === 'valid') {
        if (toHex(joinSealed(await aead.seal(hex(test.iv), hex(test.msg)))) !== toHex(sealed)) failures.push(`tcId ${test.tcId}: seal`);
        if (toHex(await aead.open(hex(test.iv), sealed)) !== test.msg) failures.push(`tcId ${test.tcId}: open`);
      } else if (!isCryptoError(await rejects(() => aead.open(hex(test.iv), sealed)), 'DECRYPTION_FAILED')) {
        failures.push(`tcId ${test.tcId}: accepted an invalid vector`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe.each([
  ['ChaCha20-Poly1305', nodeChaCha20Poly1305ChunkAead, chacha20Poly1305ChunkAead],
  ['AES-256-GCM', nodeAes256GcmChunkAead, aes256GcmChunkAead],
] as const)('node:crypto %s ChunkAead', (_name, makeNode, makePure) => {
  const key = randomBytes(32);
  const nonce = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 1]);
  const plaintext = randomBytes(64 * 1024);

  it('seals exactly the bytes of the crypto/ implementation, and each opens the other', async () => {
    const ours = joinSealed(await makeNode(key).seal(nonce, plaintext));
    const pure = joinSealed(await makePure(key).seal(nonce, plaintext));
    expect(toHex(ours)).toBe(toHex(pure));
    expect(toHex(await makePure(key).open(nonce, ours))).toBe(toHex(plaintext));
    expect(toHex(await makeNode(key).open(nonce, pure))).toBe(toHex(plaintext));
  });

  it('ATK-07 refuses a flipped bit, a wrong nonce and a chunk shorter than its tag with DECRYPTION_FAILED', async () => {
    const aead = makeNode(key);
    const sealed = joinSealed(await aead.seal(nonce, plaintext));
    const flipped = sealed.slice();
    flipped[100] = flipped[100]! ^ 1;
    const otherNonce = nonce.slice();
    otherNonce[11] = 0;
    expect(isCryptoError(await rejects(() => aead.open(nonce, flipped)), 'DECRYPTION_FAILED')).toBe(true);
    expect(isCryptoError(await rejects(() => aead.open(otherNonce, sealed)), 'DECRYPTION_FAILED')).toBe(true);
    expect(isCryptoError(await rejects(() => aead.open(nonce, sealed.subarray(0, 15))), 'DECRYPTION_FAILED')).toBe(true);
  });

  it('seals and opens the empty chunk (the empty document)', async () => {
    const aead = makeNode(key);
    const sealed = joinSealed(await aead.seal(nonce, new Uint8Array(0)));
    expect(sealed.length).toBe(16);
    expect((await aead.open(nonce, sealed)).length).toBe(0);
  });

  it('throws RangeError for a key or nonce of the wrong length (caller misuse)', async () => {
    expect(() => makeNode(randomBytes(16))).toThrow(RangeError);
    expect(await rejects(() => makeNode(key).seal(new Uint8Array(24), plaintext))).toBeInstanceOf(RangeError);
    expect(await rejects(() => makeNode(key).open(new Uint8Array(8), plaintext))).toBeInstanceOf(RangeError);
  });
});
