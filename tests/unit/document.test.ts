import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { aes256GcmChunkAead, chacha20Poly1305ChunkAead } from '../../crypto/chunk-aead.ts';
import { deriveDocumentKey, newFileKey, type DocumentContext } from '../../crypto/document-context.ts';
import {
  createDocumentDecryptor,
  createDocumentEncryptor,
  decryptDocumentBytes,
  DOCUMENT_HEADER_BYTES,
  DOCUMENT_PAYLOAD_LABEL,
  documentPayloadLength,
  encryptDocumentBytes,
  parseDocumentHeader,
  type DocumentAlgorithm,
} from '../../crypto/document.ts';
import { ByteWriter } from '../../crypto/encoding.ts';
import { CryptoError } from '../../crypto/errors.ts';
import { CHUNK_SIZE, encryptStreamBytes, SEALED_CHUNK_SIZE, type ChunkAead } from '../../crypto/stream.ts';
import { concat, errorCode, isPrefixOf, patternBytes, runTransform, sliceBy, expectSameBytes } from './stream-harness.ts';

const FILE_KEY = patternBytes(32, 11);
const CONTEXT: DocumentContext = { vaultId: 'vault-0001', documentId: 'doc-0001', version: 3 };
const ALGORITHMS: readonly DocumentAlgorithm[] = ['aes-256-gcm', 'chacha20-poly1305'];

async function open(blob: Uint8Array, context = CONTEXT, key = FILE_KEY, lengths = [4096]): ReturnType<typeof runTransform> {
  return runTransform(createDocumentDecryptor(key, context), sliceBy(blob, lengths));
}

/** Sealed chunk i of a payload (the header stripped). */
function chunkOf(blob: Uint8Array, i: number): Uint8Array {
  const start = DOCUMENT_HEADER_BYTES + i * SEALED_CHUNK_SIZE;
  return blob.subarray(start, Math.min(blob.length, start + SEALED_CHUNK_SIZE));
}

describe('document payload v1: layout and round trips', () => {
  it.each(ALGORITHMS)('round-trips through TransformStreams with %s', async (algorithm) => {
    const plaintext = patternBytes(2 * CHUNK_SIZE + 777, 5);
    const sealed = await runTransform(createDocumentEncryptor(FILE_KEY, CONTEXT, plaintext.length, { algorithm }), sliceBy(plaintext, [1000, 70_000]));
    expect(sealed.error).toBeUndefined();
    expect(sealed.released.length).toBe(documentPayloadLength(plaintext.length));
    const opened = await open(sealed.released, CONTEXT, FILE_KEY, [13, 65_552, 9000]);
    expect(opened.error).toBeUndefined();
    expectSameBytes(opened.released, plaintext);
  });

  it('writes the header as specified: magic, version, algorithm id, padded length, salt', async () => {
    const salt = patternBytes(32, 77);
    const blob = await encryptDocumentBytes(FILE_KEY, CONTEXT, patternBytes(100), { algorithm: 'chacha20-poly1305', testOnlySalt: salt });
    const expectedHeader = concat([
      new TextEncoder().encode('CSDP'),
      Uint8Array.of(0x01, 0x01),
      Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 112), // Padmé(100 + 8) = 112
      salt,
    ]);
    expect(blob.subarray(0, DOCUMENT_HEADER_BYTES)).toEqual(expectedHeader);
    expect(parseDocumentHeader(expectedHeader)).toEqual({ algorithm: 'chacha20-poly1305', paddedLength: 112, salt });
    expect(blob.length).toBe(DOCUMENT_HEADER_BYTES + 112 + 16);
  });

  it('matches the payload formula computed independently (key derivation, inner framing, STREAM)', async () => {
    const salt = patternBytes(32, 78);
    const plaintext = patternBytes(100, 2);
    const blob = await encryptDocumentBytes(FILE_KEY, CONTEXT, plaintext, { algorithm: 'chacha20-poly1305', testOnlySalt: salt });
    const header = blob.subarray(0, DOCUMENT_HEADER_BYTES);
    const key = deriveDocumentKey(FILE_KEY, header, DOCUMENT_PAYLOAD_LABEL, CONTEXT);
    const inner = concat([new ByteWriter().u64(100).finish(), plaintext, new Uint8Array(4)]);
    const stream = await encryptStreamBytes(chacha20Poly1305ChunkAead(key), inner);
    expectSameBytes(blob, concat([header, stream]));
    // Regression value for SPEC.md's example (file key = patternBytes(32, 11), salt = patternBytes(32, 78)).
    expect(bytesToHex(sha256(blob))).toBe('e21325ca0ac80c2898356f08d421a6979a2f87e8571e71fa5e94c3ed77811ad1');
  });

  it('accepts an injected implementation of the same algorithm (node:crypto AES-256-GCM), byte for byte', async () => {
    const nodeGcm = (algorithm: DocumentAlgorithm, key: Uint8Array): ChunkAead => {
      expect(algorithm).toBe('aes-256-gcm');
      const ownKey = key.slice();
      return {
        seal(nonce, plaintext) {
          const cipher = createCipheriv('aes-256-gcm', ownKey, nonce);
          return concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
        },
        open(nonce, sealed) {
          try {
            const decipher = createDecipheriv('aes-256-gcm', ownKey, nonce);
            decipher.setAuthTag(sealed.subarray(sealed.length - 16));
            return concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
          } catch (error) {
            throw new CryptoError('DECRYPTION_FAILED', { cause: error }); // the ChunkAead contract
          }
        },
      };
    };
    // Two chunks, and one full final chunk (which the decryptor opens as a middle chunk first).
    for (const size of [CHUNK_SIZE + 3000, CHUNK_SIZE - 8]) {
      const plaintext = patternBytes(size, 8);
      const options = { algorithm: 'aes-256-gcm' as const, testOnlySalt: patternBytes(32, 1) };
      const viaWebCrypto = await encryptDocumentBytes(FILE_KEY, CONTEXT, plaintext, options);
      const viaNode = await encryptDocumentBytes(FILE_KEY, CONTEXT, plaintext, { ...options, chunkAead: nodeGcm });
      expectSameBytes(viaNode, viaWebCrypto);
      expectSameBytes(await decryptDocumentBytes(FILE_KEY, CONTEXT, viaWebCrypto, { chunkAead: nodeGcm }), plaintext);
    }
  });

  // The worked example of SPEC.md: file key 00..1f, salt 20..3f, plaintext "Bonjour".
  it.each([
    ['chacha20-poly1305', '7aad57c05f9cce560f4d00fa42e39a596335455adb071d16f50a717fcfd90592', '12f3671d074b12aa6764efec2636a25cf97e55d07766bf4e5c92065567fa28cb'],
    ['aes-256-gcm', '932502734b8c561fad3b28557c0970136dd7dd307302a4ed0a6c1018341ff29f', '7e67892abf2358313936517fa0dc85a348c4aa86e18671f3e2318a9a372faa14'],
  ] as const)('reproduces the SPEC example with %s (payload key checked with node:crypto HKDF)', async (algorithm, keyHex, streamHex) => {
    const fileKey = Uint8Array.from({ length: 32 }, (_, i) => i);
    const salt = Uint8Array.from({ length: 32 }, (_, i) => 0x20 + i);
    const context = { vaultId: 'vault-0001', documentId: 'doc-0001', version: 3 };
    const blob = await encryptDocumentBytes(fileKey, context, new TextEncoder().encode('Bonjour'), { algorithm, testOnlySalt: salt });
    const header = blob.subarray(0, DOCUMENT_HEADER_BYTES);
    expect(bytesToHex(header)).toBe(`4353445001${algorithm === 'aes-256-gcm' ? '02' : '01'}0000000000000010${bytesToHex(salt)}`);
    const info = concat([
      new ByteWriter().text('coffre-sante/v1/document-payload').finish(),
      Buffer.from('0000000a7661756c742d3030303100000008646f632d3030303100000003', 'hex'),
    ]);
    expect(Buffer.from(hkdfSync('sha256', fileKey, header, info, 32)).toString('hex')).toBe(keyHex);
    expect(bytesToHex(blob.subarray(DOCUMENT_HEADER_BYTES))).toBe(streamHex);
    expect(new TextDecoder().decode(await decryptDocumentBytes(fileKey, context, blob))).toBe('Bonjour');
  });

  it('keeps its own copy of the file key: the caller may wipe its array at once', async () => {
    const key = FILE_KEY.slice();
    const blob = await encryptDocumentBytes(key, CONTEXT, patternBytes(300));
    const decryptor = createDocumentDecryptor(key, CONTEXT);
    key.fill(0);
    const run = await runTransform(decryptor, [blob]);
    expect(run.error).toBeUndefined();
    expectSameBytes(run.released, patternBytes(300));
  });

  it('uses a fresh salt, so two encryptions of one document differ', async () => {
    const a = await encryptDocumentBytes(FILE_KEY, CONTEXT, patternBytes(10));
    const b = await encryptDocumentBytes(FILE_KEY, CONTEXT, patternBytes(10));
    expect(a).not.toEqual(b);
  });

  it('decrypts the empty document', async () => {
    const blob = await encryptDocumentBytes(FILE_KEY, CONTEXT, new Uint8Array(0));
    expect(blob.length).toBe(DOCUMENT_HEADER_BYTES + 8 + 16);
    expect(await decryptDocumentBytes(FILE_KEY, CONTEXT, blob)).toEqual(new Uint8Array(0));
  });

  it('treats a plaintext longer or shorter than announced as misuse (RangeError)', async () => {
    const tooLong = await runTransform(createDocumentEncryptor(FILE_KEY, CONTEXT, 10), [patternBytes(11)]);
    expect(tooLong.error).toBeInstanceOf(RangeError);
    const tooShort = await runTransform(createDocumentEncryptor(FILE_KEY, CONTEXT, 10), [patternBytes(9)]);
    expect(tooShort.error).toBeInstanceOf(RangeError);
    expect(() => createDocumentEncryptor(new Uint8Array(31), CONTEXT, 1)).toThrow(RangeError);
    expect(() => createDocumentEncryptor(FILE_KEY, { ...CONTEXT, version: -1 }, 1)).toThrow(RangeError);
    expect(() => createDocumentEncryptor(FILE_KEY, { ...CONTEXT, vaultId: '' }, 1)).toThrow(RangeError);
    expect(newFileKey()).toHaveLength(32);
    expect(() => createDocumentDecryptor(new Uint8Array(16), CONTEXT)).toThrow(RangeError);
    expect(() => createDocumentDecryptor(FILE_KEY, { ...CONTEXT, documentId: 'x'.repeat(257) })).toThrow(RangeError);
  });
});

describe('document payload v1: what a malicious server tries', () => {
  const plaintext = patternBytes(3 * CHUNK_SIZE + 100, 21); // inner 196716 -> Padmé 200704: 4 chunks
  const blobPromise = encryptDocumentBytes(FILE_KEY, CONTEXT, plaintext);

  it('ATK-07 every single-bit flip of a small payload: typed error by region, no plaintext released', async () => {
    const blob = await encryptDocumentBytes(FILE_KEY, CONTEXT, patternBytes(20, 3), { algorithm: 'aes-256-gcm' });
    const seen = new Map<string, Set<string>>();
    for (let bit = 0; bit < blob.length * 8; bit++) {
      const mutated = blob.slice();
      mutated[bit >> 3]! ^= 1 << (bit & 7);
      const run = await open(mutated);
      expect(run.released.length).toBe(0);
      const region = bit < 32 ? 'magic' : bit < 40 ? 'version' : bit < 48 ? 'algorithm' : bit < 112 ? 'length' : bit < 368 ? 'salt' : 'stream';
      const codes = seen.get(region) ?? new Set<string>();
      codes.add(errorCode(run.error));
      seen.set(region, codes);
    }
    expect([...seen.get('magic')!]).toEqual(['FORMAT_INVALID']);
    expect([...seen.get('version')!]).toEqual(['VERSION_UNSUPPORTED']);
    // One flip of 0x02 never gives 0x01; every id it gives (0x03, 0x00, 0x06, ...) is off the allowlist.
    expect([...seen.get('algorithm')!]).toEqual(['VERSION_UNSUPPORTED']);
    for (const code of seen.get('length')!) expect(['FORMAT_INVALID', 'STREAM_TRUNCATED', 'STREAM_TRAILING_DATA', 'DECRYPTION_FAILED']).toContain(code);
    expect([...seen.get('salt')!]).toEqual(['DECRYPTION_FAILED']);
    expect([...seen.get('stream')!]).toEqual(['DECRYPTION_FAILED']);
  });

  it('ATK-07 a flipped bit in chunk k releases at most the k chunks before it', async () => {
    const blob = await blobPromise;
    for (let k = 0; k < 4; k++) {
      const mutated = blob.slice();
      mutated[DOCUMENT_HEADER_BYTES + k * SEALED_CHUNK_SIZE + 1000]! ^= 0x80;
      const run = await open(mutated);
      expect(errorCode(run.error)).toBe('DECRYPTION_FAILED');
      expect(isPrefixOf(run.released, plaintext)).toBe(true);
      expect(run.released.length).toBe(Math.max(0, k * CHUNK_SIZE - 8));
    }
  });

  it('ATK-08 reordered or duplicated chunks (same length) fail with DECRYPTION_FAILED', async () => {
    const blob = await blobPromise;
    const header = blob.subarray(0, DOCUMENT_HEADER_BYTES);
    const [c0, c1, c2, c3] = [0, 1, 2, 3].map((i) => chunkOf(blob, i));
    for (const chunks of [[c1, c0, c2, c3], [c0, c2, c1, c3], [c0, c0, c2, c3], [c0, c1, c1, c3]]) {
      const run = await open(concat([header, ...chunks.map((c) => c!)]));
      expect(errorCode(run.error)).toBe('DECRYPTION_FAILED');
      expect(isPrefixOf(run.released, plaintext)).toBe(true);
    }
  });

  it('ATK-08 a dropped or an inserted chunk fails closed', async () => {
    const blob = await blobPromise;
    const header = blob.subarray(0, DOCUMENT_HEADER_BYTES);
    const [c0, c1, c2, c3] = [0, 1, 2, 3].map((i) => chunkOf(blob, i));
    const dropped = await open(concat([header, c0!, c2!, c3!]));
    expect(errorCode(dropped.error)).toBe('DECRYPTION_FAILED');
    const inserted = await open(concat([header, c0!, c1!, c1!, c2!, c3!]), CONTEXT, FILE_KEY, [DOCUMENT_HEADER_BYTES, SEALED_CHUNK_SIZE]);
    expect(errorCode(inserted.error)).toBe('DECRYPTION_FAILED');
    expect(isPrefixOf(inserted.released, plaintext)).toBe(true);
  });

  it('ATK-09 a cut at each chunk boundary, or inside the header, is STREAM_TRUNCATED', async () => {
    const blob = await blobPromise;
    for (const cut of [0, 5, DOCUMENT_HEADER_BYTES, ...[1, 2, 3].map((k) => DOCUMENT_HEADER_BYTES + k * SEALED_CHUNK_SIZE), blob.length - 1]) {
      const run = await open(blob.subarray(0, cut), CONTEXT, FILE_KEY, [DOCUMENT_HEADER_BYTES, SEALED_CHUNK_SIZE]);
      expect(errorCode(run.error)).toBe('STREAM_TRUNCATED');
      expect(isPrefixOf(run.released, plaintext)).toBe(true);
    }
  });

  it('ATK-10 appended bytes or a second final chunk are STREAM_TRAILING_DATA, even after a short final chunk', async () => {
    const blob = await blobPromise;
    const small = await encryptDocumentBytes(FILE_KEY, CONTEXT, patternBytes(10));
    for (const tampered of [concat([blob, Uint8Array.of(0)]), concat([small, Uint8Array.of(1)]), concat([small, small.subarray(DOCUMENT_HEADER_BYTES)])]) {
      expect(errorCode((await open(tampered)).error)).toBe('STREAM_TRAILING_DATA');
    }
  });

  it('ATK-11 a payload opened for another vault, document, version or with another key: DECRYPTION_FAILED', async () => {
    const blob = await encryptDocumentBytes(FILE_KEY, CONTEXT, patternBytes(1000));
    const others: DocumentContext[] = [
      { ...CONTEXT, vaultId: 'vault-0002' },
      { ...CONTEXT, documentId: 'doc-0002' },
      { ...CONTEXT, version: 4 },
      { ...CONTEXT, vaultId: 'vault-000', documentId: '1doc-0001' }, // same concatenation, other ids
    ];
    for (const other of others) {
      const run = await open(blob, other);
      expect(errorCode(run.error)).toBe('DECRYPTION_FAILED');
      expect(run.released.length).toBe(0);
    }
    expect(errorCode((await open(blob, CONTEXT, newFileKey())).error)).toBe('DECRYPTION_FAILED');
  });

  it('ATK-11 a header from another encryption of the same document fails with DECRYPTION_FAILED', async () => {
    const a = await encryptDocumentBytes(FILE_KEY, CONTEXT, patternBytes(1000));
    const b = await encryptDocumentBytes(FILE_KEY, CONTEXT, patternBytes(1000));
    const spliced = concat([b.subarray(0, DOCUMENT_HEADER_BYTES), a.subarray(DOCUMENT_HEADER_BYTES)]);
    expect(errorCode((await open(spliced)).error)).toBe('DECRYPTION_FAILED');
  });

  it('ATK-26 unknown format versions or algorithm ids are VERSION_UNSUPPORTED; a switch between allowed ids fails', async () => {
    const blob = await encryptDocumentBytes(FILE_KEY, CONTEXT, patternBytes(1000), { algorithm: 'aes-256-gcm' });
    for (const [offset, value] of [[4, 0x00], [4, 0x02], [4, 0xff], [5, 0x00], [5, 0x03], [5, 0xff]] as const) {
      const mutated = blob.slice();
      mutated[offset] = value;
      expect(errorCode((await open(mutated)).error)).toBe('VERSION_UNSUPPORTED');
    }
    const downgraded = blob.slice();
    downgraded[5] = 0x01; // AES-256-GCM -> ChaCha20-Poly1305: another key and cipher
    expect(errorCode((await open(downgraded)).error)).toBe('DECRYPTION_FAILED');
  });
});

describe('document payload v1: inner framing checked after authentication', () => {
  // Builds a payload with a chosen inner plaintext, as only a holder of the file key could.
  async function craft(inner: Uint8Array, paddedLength = inner.length): Promise<Uint8Array> {
    const header = concat([new TextEncoder().encode('CSDP'), Uint8Array.of(1, 2), new ByteWriter().u64(paddedLength).finish(), patternBytes(32, 9)]);
    const key = deriveDocumentKey(FILE_KEY, header, DOCUMENT_PAYLOAD_LABEL, CONTEXT);
    return concat([header, await encryptStreamBytes(aes256GcmChunkAead(key), inner)]);
  }
  const u64 = (n: number): Uint8Array => new ByteWriter().u64(n).finish();

  it('accepts a well-formed crafted payload (the crafting matches the format)', async () => {
    const run = await open(await craft(concat([u64(20), patternBytes(20), new Uint8Array(0)])));
    expect(run.error).toBeUndefined();
    expect(run.released).toEqual(patternBytes(20));
  });

  it('rejects non-zero padding with FORMAT_INVALID', async () => {
    const inner = concat([u64(19), patternBytes(19), Uint8Array.of(0)]); // Padmé(27) = 28
    expect((await open(await craft(inner))).error).toBeUndefined();
    inner[27] = 1;
    const run = await open(await craft(inner));
    expect(errorCode(run.error)).toBe('FORMAT_INVALID');
    expect(run.released.length).toBe(0); // the padding is checked before its chunk's plaintext is released
  });

  it('rejects a length prefix that does not give the padded length with FORMAT_INVALID', async () => {
    const body = patternBytes(20);
    for (const claimed of [0, 100, 2 ** 41, Number.MAX_SAFE_INTEGER]) {
      const run = await open(await craft(concat([u64(claimed), body])));
      expect(errorCode(run.error)).toBe('FORMAT_INVALID');
      expect(run.released.length).toBe(0);
    }
  });

  it('rejects a padded length that is not a Padmé value, or below the prefix, with FORMAT_INVALID', async () => {
    for (const padded of [0, 7, 129]) {
      const blob = await craft(concat([u64(0), new Uint8Array(Math.max(0, padded - 8))]), padded);
      expect(errorCode((await open(blob)).error)).toBe('FORMAT_INVALID');
    }
  });

  it('rejects a payload whose magic is wrong with FORMAT_INVALID', async () => {
    const blob = await encryptDocumentBytes(FILE_KEY, CONTEXT, patternBytes(5));
    blob[0] = 0x41;
    expect(errorCode((await open(blob)).error)).toBe('FORMAT_INVALID');
  });
});
