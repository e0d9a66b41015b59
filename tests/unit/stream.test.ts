import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { gcm } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import { aes256GcmChunkAead, chacha20Poly1305ChunkAead } from '../../crypto/chunk-aead.ts';
import {
  CHUNK_SIZE,
  createStreamDecryptor,
  createStreamEncryptor,
  decryptStreamBytes,
  encryptStreamBytes,
  SEALED_CHUNK_SIZE,
  sealedStreamLength,
  StreamOpener,
  StreamSealer,
  TAG_SIZE,
  testOnlyStreamNonce,
  joinSealed,
  type ChunkAead,
} from '../../crypto/stream.ts';
import { concat, errorCode, isPrefixOf, patternBytes, runTransform, sliceBy, expectSameBytes } from './stream-harness.ts';

const KEY = patternBytes(32, 7);
const aead = chacha20Poly1305ChunkAead(KEY);

// Independent reference: age's STREAM written out from the spec with noble directly.
function referenceSeal(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  const chunks = Math.max(1, Math.ceil(plaintext.length / CHUNK_SIZE));
  for (let i = 0; i < chunks; i++) {
    const nonce = new Uint8Array(12);
    new DataView(nonce.buffer).setUint32(7, i);
    nonce[11] = i === chunks - 1 ? 1 : 0;
    parts.push(chacha20poly1305(key, nonce).encrypt(plaintext.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE)));
  }
  return concat(parts);
}

function sealedChunks(sealed: Uint8Array): Uint8Array[] {
  return [...sliceBy(sealed, [SEALED_CHUNK_SIZE])];
}

async function decryptSliced(input: Uint8Array, lengths: number[] = [1000]): ReturnType<typeof runTransform> {
  return runTransform(createStreamDecryptor(aead), sliceBy(input, lengths));
}

const SIZES = [0, 1, 15, 16, 17, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 2 * CHUNK_SIZE + 5];

describe('STREAM (age payload semantics)', () => {
  it.each(SIZES)('matches an independent age STREAM reference for %i bytes', async (size) => {
    const plaintext = patternBytes(size, size + 1);
    const sealed = await encryptStreamBytes(aead, plaintext);
    expectSameBytes(sealed, referenceSeal(KEY, plaintext));
    expect(sealed.length).toBe(sealedStreamLength(size));
    expectSameBytes(await decryptStreamBytes(aead, sealed), plaintext);
  });

  it.each([[[1]], [[7, 65_551, 3]], [[SEALED_CHUNK_SIZE]], [[SEALED_CHUNK_SIZE + 1]], [[1 << 20]]])(
    'encrypts and decrypts through TransformStreams with input slices %j',
    async (lengths) => {
      const plaintext = patternBytes(2 * CHUNK_SIZE + 100, 3);
      const sealedRun = await runTransform(createStreamEncryptor(aead), sliceBy(plaintext, lengths));
      expect(sealedRun.error).toBeUndefined();
      expectSameBytes(sealedRun.released, referenceSeal(KEY, plaintext));
      const opened = await decryptSliced(sealedRun.released, lengths);
      expect(opened.error).toBeUndefined();
      expectSameBytes(opened.released, plaintext);
    },
  );

  it('a full last chunk is final, and the empty plaintext is one empty final chunk', async () => {
    expect((await encryptStreamBytes(aead, patternBytes(CHUNK_SIZE))).length).toBe(SEALED_CHUNK_SIZE);
    expect((await encryptStreamBytes(aead, new Uint8Array(0))).length).toBe(TAG_SIZE);
  });
});

describe('STREAM failures, each with its own code and no unauthenticated release', () => {
  const plaintext = patternBytes(3 * CHUNK_SIZE + 10, 9);
  const sealedPromise = encryptStreamBytes(aead, plaintext);

  it('ATK-07 a flipped bit in the second chunk: first chunk released, then DECRYPTION_FAILED', async () => {
    const sealed = (await sealedPromise).slice();
    sealed[SEALED_CHUNK_SIZE + 5]! ^= 0x10;
    const run = await decryptSliced(sealed);
    expect(errorCode(run.error)).toBe('DECRYPTION_FAILED');
    expectSameBytes(run.released, plaintext.subarray(0, CHUNK_SIZE));
  });

  it('ATK-08 swapped, duplicated or dropped chunks fail with DECRYPTION_FAILED', async () => {
    const [c0, c1, c2, c3] = sealedChunks(await sealedPromise);
    for (const order of [[c1, c0, c2, c3], [c0, c0, c1, c2, c3], [c0, c2, c3], [c0, c1, c3, c2]]) {
      const run = await decryptSliced(concat(order.map((c) => c!)));
      expect(errorCode(run.error)).toBe('DECRYPTION_FAILED');
      expect(isPrefixOf(run.released, plaintext)).toBe(true);
    }
  });

  it('ATK-09 a cut at every chunk boundary is STREAM_TRUNCATED, including no data at all', async () => {
    const sealed = await sealedPromise;
    for (let chunks = 0; chunks <= 3; chunks++) {
      const run = await decryptSliced(sealed.subarray(0, chunks * SEALED_CHUNK_SIZE));
      expect(errorCode(run.error)).toBe('STREAM_TRUNCATED');
      expectSameBytes(run.released, plaintext.subarray(0, chunks * CHUNK_SIZE));
    }
  });

  it('ATK-09 a cut inside a chunk fails authentication', async () => {
    const sealed = await sealedPromise;
    for (const cut of [1, TAG_SIZE, SEALED_CHUNK_SIZE + 1, SEALED_CHUNK_SIZE + TAG_SIZE, 2 * SEALED_CHUNK_SIZE - 1, sealed.length - 1]) {
      const run = await decryptSliced(sealed.subarray(0, cut));
      expect(errorCode(run.error)).toBe('DECRYPTION_FAILED');
    }
  });

  it('ATK-10 bytes after a full final chunk are STREAM_TRAILING_DATA, after releasing the whole plaintext', async () => {
    const fullFinal = patternBytes(2 * CHUNK_SIZE, 5);
    const sealed = await encryptStreamBytes(aead, fullFinal);
    for (const extra of [Uint8Array.of(0), patternBytes(TAG_SIZE), patternBytes(SEALED_CHUNK_SIZE + 3)]) {
      const run = await decryptSliced(concat([sealed, extra]));
      expect(errorCode(run.error)).toBe('STREAM_TRAILING_DATA');
      expectSameBytes(run.released, fullFinal);
    }
  });

  // STREAM alone cannot tell bytes appended to a short final chunk from a longer final chunk: that chunk
  // then fails to authenticate. (The document format declares its length, so it reports trailing data.)
  it('ATK-10 bytes after a short final chunk fail authentication of that chunk', async () => {
    const sealed = await sealedPromise;
    const run = await decryptSliced(concat([sealed, Uint8Array.of(0)]));
    expect(errorCode(run.error)).toBe('DECRYPTION_FAILED');
    expectSameBytes(run.released, plaintext.subarray(0, 3 * CHUNK_SIZE));
  });

  it('ATK-10 a second final chunk after a full final chunk is STREAM_TRAILING_DATA', async () => {
    const full = await encryptStreamBytes(aead, patternBytes(CHUNK_SIZE, 4));
    const short = await encryptStreamBytes(aead, patternBytes(10, 4));
    for (const sealed of [concat([full, full]), concat([full, short])]) {
      expect(errorCode((await decryptSliced(sealed, [SEALED_CHUNK_SIZE])).error)).toBe('STREAM_TRAILING_DATA');
    }
    expect(errorCode((await decryptSliced(concat([short, short]))).error)).toBe('DECRYPTION_FAILED');
  });

  it('rejects an empty final chunk after a full one (FORMAT_INVALID), as age does', async () => {
    const first = await encryptStreamBytes(aead, patternBytes(CHUNK_SIZE + 1, 2));
    const nonce = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1);
    const emptyLast = chacha20poly1305(KEY, nonce).encrypt(new Uint8Array(0));
    const run = await decryptSliced(concat([first.subarray(0, SEALED_CHUNK_SIZE), emptyLast]));
    expect(errorCode(run.error)).toBe('FORMAT_INVALID');
  });

  it('ATK-07 a final chunk shorter than a tag, or a wrong key, fails with DECRYPTION_FAILED', async () => {
    expect(errorCode((await decryptSliced(new Uint8Array(TAG_SIZE - 1))).error)).toBe('DECRYPTION_FAILED');
    const other = chacha20Poly1305ChunkAead(patternBytes(32, 99));
    const run = await runTransform(createStreamDecryptor(other), [await sealedPromise]);
    expect(errorCode(run.error)).toBe('DECRYPTION_FAILED');
    expect(run.released.length).toBe(0);
  });

  it('the chunk counter refuses to wrap around', () => {
    const nonce = new testOnlyStreamNonce(new Uint8Array(11).fill(0xff));
    expect(() => { nonce.increment(); }).toThrow(RangeError);
    const almost = new testOnlyStreamNonce(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff));
    almost.increment();
    expect(almost.current(true)).toEqual(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1));
  });
});

describe('chunk AEADs', () => {
  it('AES-256-GCM through WebCrypto matches noble GCM and rejects a bad tag', async () => {
    const gcmAead = aes256GcmChunkAead(KEY);
    const nonce = patternBytes(12, 5);
    const plaintext = patternBytes(1000, 6);
    const sealed = joinSealed(await gcmAead.seal(nonce, plaintext));
    expect(sealed).toEqual(gcm(KEY, nonce).encrypt(plaintext));
    expect(await gcmAead.open(nonce, sealed)).toEqual(plaintext);
    sealed[0]! ^= 1;
    await expect(Promise.resolve(gcmAead.open(nonce, sealed))).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    await expect(Promise.resolve(gcmAead.open(nonce, new Uint8Array(3)))).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('STREAM over AES-256-GCM round-trips and fails closed like ChaCha', async () => {
    const gcmAead: ChunkAead = aes256GcmChunkAead(KEY);
    const plaintext = patternBytes(2 * CHUNK_SIZE, 8);
    const sealed = await encryptStreamBytes(gcmAead, plaintext);
    expectSameBytes(await decryptStreamBytes(gcmAead, sealed), plaintext);
    await expect(decryptStreamBytes(gcmAead, sealed.subarray(0, SEALED_CHUNK_SIZE))).rejects.toMatchObject({
      code: 'STREAM_TRUNCATED',
    });
  });

  it('a ChunkAead that returns ciphertext and tag as separate pieces yields the same STREAM bytes', async () => {
    const piecewise: ChunkAead = {
      seal: (nonce, plaintext) => {
        const sealed = joinSealed(aead.seal(nonce, plaintext) as Uint8Array);
        return [sealed.subarray(0, sealed.length - TAG_SIZE), sealed.subarray(sealed.length - TAG_SIZE)];
      },
      open: (nonce, sealed) => aead.open(nonce, sealed),
    };
    const plaintext = patternBytes(2 * CHUNK_SIZE + 5, 9);
    expect(await encryptStreamBytes(piecewise, plaintext)).toEqual(referenceSeal(KEY, plaintext));
  });

  it('rejects keys of the wrong length as misuse', () => {
    expect(() => chacha20Poly1305ChunkAead(new Uint8Array(16))).toThrow(RangeError);
    expect(() => aes256GcmChunkAead(new Uint8Array(16))).toThrow(RangeError);
  });
});

// An asynchronous engine whose calls finish out of order (WebCrypto runs them on another thread): the
// stream keeps several in flight and must still emit, and authenticate, strictly in order.
function jitteryAead(inner: ChunkAead): ChunkAead {
  let call = 0;
  const later = async <T>(value: () => T | Promise<T>): Promise<T> => {
    await new Promise((resolve) => setTimeout(resolve, (call++ * 7) % 5));
    return value();
  };
  return {
    seal: (nonce, plaintext) => { const n = nonce.slice(); const p = plaintext.slice(); return later(() => inner.seal(n, p)); },
    open: (nonce, sealed) => { const n = nonce.slice(); const c = sealed.slice(); return later(() => inner.open(n, c)); },
  };
}

async function runMachine(machine: StreamSealer | StreamOpener, pieces: Iterable<Uint8Array>): Promise<{ out: Uint8Array; error: unknown }> {
  const parts: Uint8Array[] = [];
  try {
    for (const piece of pieces) await machine.push(piece, (part) => parts.push(part.slice()));
    await machine.finish((part) => parts.push(part.slice()));
    return { out: concat(parts), error: undefined };
  } catch (error) {
    return { out: concat(parts), error };
  }
}

describe('STREAM with several chunks in flight', () => {
  const plaintext = patternBytes(20 * CHUNK_SIZE + 123, 4);
  const slow = jitteryAead(aead);

  it('seals exactly the reference bytes even when calls finish out of order', async () => {
    const run = await runMachine(new StreamSealer(slow), sliceBy(plaintext, [3 * CHUNK_SIZE + 5, CHUNK_SIZE, 777]));
    expect(run.error).toBeUndefined();
    expectSameBytes(run.out, referenceSeal(KEY, plaintext));
  });

  it('opens in order with the stated sealed length, input sliced any way', async () => {
    const sealed = referenceSeal(KEY, plaintext);
    const run = await runMachine(new StreamOpener(slow, sealed.length), sliceBy(sealed, [5 * SEALED_CHUNK_SIZE, 1000, 3]));
    expect(run.error).toBeUndefined();
    expectSameBytes(run.out, plaintext);
  });

  it('ATK-07 a bad chunk in flight: only the chunks before it are released, then DECRYPTION_FAILED', async () => {
    const sealed = referenceSeal(KEY, plaintext);
    sealed[7 * SEALED_CHUNK_SIZE + 10]! ^= 1;
    const run = await runMachine(new StreamOpener(slow, sealed.length), sliceBy(sealed, [4 * SEALED_CHUNK_SIZE]));
    expect(errorCode(run.error)).toBe('DECRYPTION_FAILED');
    expectSameBytes(run.out, plaintext.subarray(0, 7 * CHUNK_SIZE));
  });

  it('ATK-09 ATK-10 with a stated length, a full chunk is final only where the length says so', async () => {
    const sealed = referenceSeal(KEY, plaintext);
    const cut = sealed.subarray(0, 3 * SEALED_CHUNK_SIZE);
    expect(errorCode((await runMachine(new StreamOpener(slow, sealed.length), [cut])).error)).toBe('STREAM_TRUNCATED');
    // Claiming the stream ends after 3 full chunks makes chunk 2 "last": its tag then fails.
    expect(errorCode((await runMachine(new StreamOpener(slow, cut.length), [cut])).error)).toBe('DECRYPTION_FAILED');
    const longer = concat([sealed, Uint8Array.of(0)]);
    expect(errorCode((await runMachine(new StreamOpener(slow, sealed.length), [longer])).error)).toBe('STREAM_TRAILING_DATA');
  });
});
