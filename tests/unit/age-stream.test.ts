// Whole age files through Web Streams (crypto/age/age.ts): plaintext flows chunk by chunk, errors are typed
// and surface where the caller reads, and tampering releases nothing unauthenticated.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAgeDecryptor, createAgeEncryptor, decryptAge, decryptAgeBytes, encryptAgeBytes } from '../../crypto/age/age.ts';
import { bytesToStream, collectBytes } from '../../crypto/age/io.ts';
import { generateHybridIdentity, generateX25519Identity, identityToRecipient, parseIdentity, parseRecipient } from '../../crypto/age/keys.ts';
import { isCryptoError, type CryptoErrorCode } from '../../crypto/errors.ts';

const randomBytes = (length: number): Uint8Array => new Uint8Array(nodeRandomBytes(length));

const identityText = generateX25519Identity();
const identity = parseIdentity(identityText);
const recipient = parseRecipient(identityToRecipient(identityText));

async function codeOf(run: () => Promise<unknown>): Promise<CryptoErrorCode | 'no error'> {
  try {
    await run();
    return 'no error';
  } catch (error) {
    if (!isCryptoError(error)) throw error;
    return error.code;
  }
}

/** A source that makes `total` bytes on demand and counts what was pulled. */
function countingSource(total: number, chunk: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) {
        controller.close();
        return;
      }
      const size = Math.min(chunk, total - pulled);
      pulled += size;
      controller.enqueue(new Uint8Array(size).fill(pulled & 0xff));
    },
  }, { highWaterMark: 0 });
  return { stream, pulled: () => pulled };
}

describe('age file streams', () => {
  it('decrypts chunk by chunk: the first plaintext comes out long before the input ends', async () => {
    const total = 4 * 1024 * 1024;
    const source = countingSource(total, 64 * 1024);
    const encrypted = source.stream.pipeThrough(createAgeEncryptor([recipient]));
    const reader = encrypted.pipeThrough(createAgeDecryptor([identity])).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(source.pulled()).toBeLessThan(total / 4);
    let length = first.value!.length;
    for (let r = await reader.read(); !r.done; r = await reader.read()) length += r.value.length;
    expect(length).toBe(total);
  });

  it('works with hybrid recipients and several identities, in order', async () => {
    const hybrid = generateHybridIdentity();
    const plaintext = randomBytes(100_000);
    const file = await encryptAgeBytes(plaintext, [parseRecipient(identityToRecipient(hybrid))]);
    expect(await decryptAgeBytes(file, [identity, parseIdentity(hybrid)])).toEqual(plaintext);
  });

  it('reads the header from input cut into 1-byte and 3-byte chunks', async () => {
    const plaintext = randomBytes(1000);
    const others = [generateX25519Identity(), generateHybridIdentity()].map((text) => parseRecipient(identityToRecipient(text)));
    const file = await encryptAgeBytes(plaintext, [...others, recipient]);
    for (const chunk of [1, 3]) {
      expect(await collectBytes(await decryptAge(bytesToStream(file, chunk), [identity]))).toEqual(plaintext);
    }
  });

  it('reports header errors on the decryptor readable, and NO_MATCH for a stranger', async () => {
    const file = await encryptAgeBytes(randomBytes(10), [recipient]);
    const stranger = parseIdentity(generateX25519Identity());
    const pair = createAgeDecryptor([stranger]);
    void bytesToStream(file).pipeTo(pair.writable).catch(() => undefined);
    expect(await codeOf(() => collectBytes(pair.readable))).toBe('NO_MATCH');
    expect(await codeOf(() => decryptAge(bytesToStream(new Uint8Array(0)), [identity]))).toBe('FORMAT_INVALID');
  });

  it('ATK-07 a flipped payload bit releases nothing of that chunk (DECRYPTION_FAILED)', async () => {
    const plaintext = randomBytes(3 * 64 * 1024);
    const file = await encryptAgeBytes(plaintext, [recipient]);
    const tampered = file.slice();
    tampered[tampered.length - 100]! ^= 1;
    const released: Uint8Array[] = [];
    const stream = await decryptAge(bytesToStream(tampered), [identity]);
    const code = await codeOf(async () => {
      const reader = stream.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) released.push(r.value);
    });
    expect(code).toBe('DECRYPTION_FAILED');
    expect(released.reduce((n, part) => n + part.length, 0)).toBe(2 * 64 * 1024);
  });

  it('ATK-09 / ATK-10 truncation at a chunk boundary and appended bytes have their own codes', async () => {
    const file = await encryptAgeBytes(randomBytes(2 * 64 * 1024 + 5), [recipient]);
    const cut = file.subarray(0, file.length - (5 + 16));
    expect(await codeOf(() => decryptAgeBytes(cut, [identity]))).toBe('STREAM_TRUNCATED');
    const extended = new Uint8Array([...file, 0]);
    expect(await codeOf(() => decryptAgeBytes(extended, [identity]))).toBe('DECRYPTION_FAILED');
    const full = await encryptAgeBytes(randomBytes(64 * 1024), [recipient]);
    expect(await codeOf(() => decryptAgeBytes(new Uint8Array([...full, 0]), [identity]))).toBe('STREAM_TRAILING_DATA');
  });

  it('a changed header byte is a header, MAC or match failure, never plaintext', async () => {
    const file = await encryptAgeBytes(randomBytes(10), [recipient]);
    const headerEnd = new TextDecoder().decode(file).indexOf('\n--- ') + 5;
    for (let i = 0; i < headerEnd + 43; i += 7) {
      const tampered = file.slice();
      tampered[i]! ^= 0x01;
      const code = await codeOf(() => decryptAgeBytes(tampered, [identity]));
      expect(['FORMAT_INVALID', 'VERSION_UNSUPPORTED', 'NO_MATCH', 'HEADER_MAC_INVALID', 'KEY_INVALID']).toContain(code);
    }
  });

  it('refuses to encrypt to nobody or to mix scrypt with others (RangeError)', () => {
    expect(() => createAgeEncryptor([])).toThrow(RangeError);
    expect(() => createAgeEncryptor([recipient, { type: 'scrypt', passphrase: 'x', workFactor: 2 }])).toThrow(RangeError);
  });
});
