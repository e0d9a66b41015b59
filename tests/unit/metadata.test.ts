import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import type { DocumentContext } from '../../crypto/document-context.ts';
import { decryptDocumentBytes } from '../../crypto/document.ts';
import { ByteWriter } from '../../crypto/encoding.ts';
import { decryptMetadata, encryptMetadata, METADATA_HEADER_BYTES, type DocumentMetadata } from '../../crypto/metadata.ts';
import { encodeMetadataBody, validateMetadata } from '../../crypto/metadata-fields.ts';
import { concat, errorCode, patternBytes } from './stream-harness.ts';

const FILE_KEY = patternBytes(32, 31);
const CONTEXT: DocumentContext = { vaultId: 'vault-0001', documentId: 'doc-0001', version: 2 };
const REQUIRED: DocumentMetadata = {
  title: 'Bilan sanguin — février',
  category: '11502-2',
  dateOfCare: '2026-02-14',
  author: 'Laboratoire Exemple',
  fileName: 'bilan-2026-02.pdf',
  mimeType: 'application/pdf',
  realLength: 123_456,
};
const FULL: DocumentMetadata = {
  ...REQUIRED,
  description: 'NFS, ionogramme.\nÀ contrôler dans 3 mois.',
  practiceSetting: 'general-medicine',
  facility: 'Centre de santé Exemple',
  facilityType: 'lab',
  language: 'fr-FR',
};

function attempt(blob: Uint8Array, context = CONTEXT, key = FILE_KEY): string {
  try {
    decryptMetadata(key, context, blob);
    return 'none';
  } catch (error) {
    return errorCode(error);
  }
}

/** The metadata blob rebuilt from SPEC formulas with noble directly, for a chosen padded plaintext. */
function specBlob(padded: Uint8Array, nonce: Uint8Array, role = 'metadata', context = CONTEXT): Uint8Array {
  const ctx = new ByteWriter().text(context.vaultId).text(context.documentId).u32(context.version).finish();
  const label = 'coffre-sante/v1/document-metadata';
  const info = concat([new ByteWriter().text(label).finish(), ctx]);
  const key = hkdf(sha256, FILE_KEY, undefined, info, 32);
  const header = concat([new TextEncoder().encode('CSDM'), Uint8Array.of(1, 3), nonce]);
  const aad = concat([new ByteWriter().text(label).finish(), header, ctx, new ByteWriter().text(role).finish()]);
  return concat([header, xchacha20poly1305(key, nonce, aad).encrypt(padded)]);
}

function paddedOf(body: Uint8Array, total: number): Uint8Array {
  const padded = new Uint8Array(total);
  new DataView(padded.buffer).setUint32(0, body.length);
  padded.set(body, 4);
  return padded;
}

describe('metadata v1', () => {
  it.each([['required fields', REQUIRED], ['every field', FULL]])('round-trips with %s', (_, metadata) => {
    expect(decryptMetadata(FILE_KEY, CONTEXT, encryptMetadata(FILE_KEY, CONTEXT, metadata))).toEqual(metadata);
  });

  it('matches the blob built independently from the SPEC formulas', () => {
    const nonce = patternBytes(24, 5);
    const blob = encryptMetadata(FILE_KEY, CONTEXT, FULL, { testOnlyNonce: nonce });
    expect(blob).toEqual(specBlob(paddedOf(encodeMetadataBody(FULL), 512), nonce));
  });

  it('reproduces the SPEC example (file key 00..1f, nonce 40..57)', () => {
    const fileKey = Uint8Array.from({ length: 32 }, (_, i) => i);
    const nonce = Uint8Array.from({ length: 24 }, (_, i) => 0x40 + i);
    const context = { vaultId: 'vault-0001', documentId: 'doc-0001', version: 3 };
    const metadata: DocumentMetadata = {
      title: 'Bilan sanguin', category: '11502-2', dateOfCare: '2026-02-14', author: 'Dr Exemple',
      fileName: 'bilan.pdf', mimeType: 'application/pdf', realLength: 7,
    };
    const blob = encryptMetadata(fileKey, context, metadata, { testOnlyNonce: nonce });
    expect(blob.length).toBe(558);
    expect(bytesToHex(sha256(blob))).toBe('8dd0acadf5a2ef25ed3d48f704f0c66942df00c72522edd9a8614469b1ec5510');
    expect(decryptMetadata(fileKey, context, blob)).toEqual(metadata);
  });

  it('ATK-15 pads to buckets: a 1-character and a 300-character title give the same size', () => {
    const short = encryptMetadata(FILE_KEY, CONTEXT, { ...REQUIRED, title: 'a' });
    const long = encryptMetadata(FILE_KEY, CONTEXT, { ...REQUIRED, title: 'a'.repeat(300) });
    expect(short.length).toBe(METADATA_HEADER_BYTES + 512 + 16);
    expect(long.length).toBe(short.length);
    const big = encryptMetadata(FILE_KEY, CONTEXT, { ...FULL, description: 'x'.repeat(3000) });
    expect(big.length).toBe(METADATA_HEADER_BYTES + 4096 + 16);
  });

  it('ATK-07 every single-bit flip is refused with a typed error', () => {
    const blob = encryptMetadata(FILE_KEY, CONTEXT, REQUIRED);
    const codes = new Map<string, Set<string>>();
    for (let bit = 0; bit < blob.length * 8; bit++) {
      const mutated = blob.slice();
      mutated[bit >> 3]! ^= 1 << (bit & 7);
      const region = bit < 32 ? 'magic' : bit < 48 ? 'version/algorithm' : 'nonce/ciphertext';
      const set = codes.get(region) ?? new Set<string>();
      set.add(attempt(mutated));
      codes.set(region, set);
    }
    expect([...codes.get('magic')!]).toEqual(['FORMAT_INVALID']);
    expect([...codes.get('version/algorithm')!]).toEqual(['VERSION_UNSUPPORTED']);
    expect([...codes.get('nonce/ciphertext')!]).toEqual(['DECRYPTION_FAILED']);
  });

  it('ATK-11 metadata moved to another vault, document or version, or under another key: DECRYPTION_FAILED', () => {
    const blob = encryptMetadata(FILE_KEY, CONTEXT, REQUIRED);
    expect(attempt(blob, { ...CONTEXT, vaultId: 'vault-0002' })).toBe('DECRYPTION_FAILED');
    expect(attempt(blob, { ...CONTEXT, documentId: 'doc-0002' })).toBe('DECRYPTION_FAILED');
    expect(attempt(blob, { ...CONTEXT, version: 1 })).toBe('DECRYPTION_FAILED');
    expect(attempt(blob, CONTEXT, patternBytes(32, 32))).toBe('DECRYPTION_FAILED');
  });

  it('ATK-11 a blob sealed for another field role does not open as metadata', () => {
    const nonce = patternBytes(24, 6);
    const padded = paddedOf(encodeMetadataBody(REQUIRED), 512);
    expect(attempt(specBlob(padded, nonce, 'metadata'))).toBe('none');
    expect(attempt(specBlob(padded, nonce, 'notes'))).toBe('DECRYPTION_FAILED');
  });

  it('ATK-11 metadata and payload blobs are not interchangeable', async () => {
    const blob = encryptMetadata(FILE_KEY, CONTEXT, REQUIRED);
    await expect(decryptDocumentBytes(FILE_KEY, CONTEXT, blob)).rejects.toMatchObject({ code: 'FORMAT_INVALID' });
  });

  it('ATK-26 unknown format versions or algorithms are VERSION_UNSUPPORTED', () => {
    const blob = encryptMetadata(FILE_KEY, CONTEXT, REQUIRED);
    for (const [offset, value] of [[4, 0], [4, 2], [5, 1], [5, 2], [5, 0xff]] as const) {
      const mutated = blob.slice();
      mutated[offset] = value;
      expect(attempt(mutated)).toBe('VERSION_UNSUPPORTED');
    }
  });

  it('rejects authentic but malformed contents with FORMAT_INVALID', () => {
    const nonce = patternBytes(24, 7);
    const body = encodeMetadataBody(REQUIRED);
    const nonZeroPadding = paddedOf(body, 512);
    nonZeroPadding[511] = 1;
    const badDate = encodeMetadataBody({ ...REQUIRED, dateOfCare: '2026-02-28' });
    const dateAt = Buffer.from(badDate).indexOf('2026-02-28');
    expect(dateAt).toBeGreaterThan(0);
    badDate.set(new TextEncoder().encode('2026-02-30'), dateAt);
    const badPresence = body.slice();
    badPresence[badPresence.length - 1] = 2; // presence byte of `language`
    const cases = [
      nonZeroPadding,
      paddedOf(badPresence, 512),
      paddedOf(body, 1024), // not the smallest bucket
      paddedOf(concat([body, Uint8Array.of(0)]), 512), // trailing byte after the last field
      paddedOf(badDate, 512),
      concat([Uint8Array.of(0, 0, 2, 0), new Uint8Array(508)]), // length prefix past the end
    ];
    for (const padded of cases) expect(attempt(specBlob(padded, nonce))).toBe('FORMAT_INVALID');
    expect(attempt(new Uint8Array(10))).toBe('FORMAT_INVALID');
    const oversized = new Uint8Array(METADATA_HEADER_BYTES + 64 * 1024 + 17);
    oversized.set(encryptMetadata(FILE_KEY, CONTEXT, REQUIRED).subarray(0, METADATA_HEADER_BYTES));
    expect(attempt(oversized)).toBe('FORMAT_INVALID');
    expect(attempt(encryptMetadata(FILE_KEY, CONTEXT, REQUIRED).subarray(0, METADATA_HEADER_BYTES + 10))).toBe('FORMAT_INVALID');
  });
});

describe('metadata field rules', () => {
  it.each([
    ['empty title', { title: '' }],
    ['impossible date', { dateOfCare: '2026-02-30' }],
    ['non-ISO date', { dateOfCare: '14/02/2026' }],
    ['path in fileName', { fileName: '../etc/passwd' }],
    ['control character', { title: 'a\u0000b' }],
    ['lone surrogate', { title: 'a\ud800' }],
    ['media type with parameters', { mimeType: 'text/plain; charset=utf-8' }],
    ['category with spaces', { category: 'lab result' }],
    ['negative length', { realLength: -1 }],
    ['empty optional field', { description: '' }],
    ['bad language tag', { language: 'french!' }],
  ])('refuses %s with RangeError, without echoing the value', (_, change) => {
    const metadata: DocumentMetadata = { ...REQUIRED, ...change };
    expect(() => { validateMetadata(metadata); }).toThrow(RangeError);
    const error: unknown = (() => {
      try {
        encryptMetadata(FILE_KEY, CONTEXT, metadata);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RangeError);
    for (const value of Object.values(change)) {
      if (String(value).length > 1) expect((error as Error).message).not.toContain(String(value));
    }
  });
});
