// The scope of a grant: which documents the owner's client wraps for it later (new documents, new
// versions). Readable by the owner only. The recipient also holds the grant key, so the scope is sealed under
// a key derived from the owner's own seeds instead: a recipient (or the server) can neither read nor widen it.
//
//   scopeKey  = HKDF-SHA256(ikm = signingSeed | kemSeed, salt = empty, info = text("coffre-sante/v1/grant-scope-key"), 32)
//   body      = u8 kind (1 all, 2 categories, 3 documents) | u32 n | n x text category (kind 2 only, ascending, unique)
//   plaintext = u32 len(body) | body | zero padding to the next multiple of 256 bytes
//   sealed    = u8 version (= 1) | fixed24 nonce | XChaCha20-Poly1305(scopeKey, nonce, plaintext, aad)
//   aad       = text("coffre-sante/v1/grant-scope") | bytes(text vaultId | text grantId)
// The padding hides how many categories are shared; the aad pins the scope to its grant.

import { ByteReader, ByteWriter } from './encoding.ts';
import { HYBRID_SEED_BYTES } from './envelope-kem.ts';
import type { GrantRef } from './envelope.ts';
import { CryptoError } from './errors.ts';
import { checkAccountId, labelled, type IdentitySecrets } from './identity.ts';
import { compareBytes } from './manifest.ts';
import { checkLength, hkdfSha256, KEY_BYTES, randomBytes, xchacha20poly1305Open, xchacha20poly1305Seal } from './primitives.ts';

export const GRANT_SCOPE_VERSION = 1;
export const GRANT_SCOPE_LABEL = 'coffre-sante/v1/grant-scope';
export const GRANT_SCOPE_KEY_LABEL = 'coffre-sante/v1/grant-scope-key';
export const GRANT_SCOPE_PADDING = 256;
/** A metadata category is a code of at most 64 bytes (metadata-fields.ts). */
const MAX_CATEGORY_BYTES = 64;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

/**
 * all: every document, future ones included; categories: documents whose metadata category is listed,
 * future ones included; documents: the documents in the grant list and their new versions.
 */
export type GrantScope = { kind: 'all' } | { kind: 'categories'; categories: string[] } | { kind: 'documents' };

const KIND_CODES = { all: 1, categories: 2, documents: 3 } as const;

/** Seals `scope` for the owner alone, bound to `ref`. Categories are sorted here; a duplicate is a RangeError. */
export function sealGrantScope(owner: IdentitySecrets, ref: GrantRef, scope: GrantScope): Uint8Array {
  const body = encodeScope(scope);
  const padded = new Uint8Array(paddedLength(body.length));
  padded.set(new ByteWriter().u32(body.length).finish());
  padded.set(body, 4);
  const nonce = randomBytes(NONCE_BYTES);
  const sealed = xchacha20poly1305Seal(scopeKey(owner), nonce, padded, scopeAad(ref));
  return new ByteWriter().u8(GRANT_SCOPE_VERSION).fixed(nonce, NONCE_BYTES).fixed(sealed, sealed.length).finish();
}

/**
 * Opens a scope sealed by sealGrantScope for the same owner and grant. VERSION_UNSUPPORTED for another
 * version, DECRYPTION_FAILED for another key or grant or any altered byte, FORMAT_INVALID for bad structure.
 */
export function openGrantScope(owner: IdentitySecrets, ref: GrantRef, bytes: Uint8Array): GrantScope {
  if (bytes.length < 1) throw new CryptoError('FORMAT_INVALID');
  if (bytes[0] !== GRANT_SCOPE_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
  const ciphertextLength = bytes.length - 1 - NONCE_BYTES - TAG_BYTES;
  if (ciphertextLength < GRANT_SCOPE_PADDING || ciphertextLength % GRANT_SCOPE_PADDING !== 0) throw new CryptoError('FORMAT_INVALID');
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  const plaintext = xchacha20poly1305Open(scopeKey(owner), nonce, bytes.subarray(1 + NONCE_BYTES), scopeAad(ref));
  const reader = new ByteReader(plaintext);
  const length = reader.u32();
  if (length > reader.remaining || plaintext.length !== paddedLength(length)) throw new CryptoError('FORMAT_INVALID');
  const scope = decodeScope(reader.fixed(length));
  if (plaintext.subarray(4 + length).some((byte) => byte !== 0)) throw new CryptoError('FORMAT_INVALID');
  return scope;
}

function scopeKey(owner: IdentitySecrets): Uint8Array {
  checkLength(owner.signingSeed, KEY_BYTES, 'signing seed');
  checkLength(owner.kemSeed, HYBRID_SEED_BYTES, 'KEM seed');
  const ikm = new Uint8Array(KEY_BYTES + HYBRID_SEED_BYTES);
  ikm.set(owner.signingSeed);
  ikm.set(owner.kemSeed, KEY_BYTES);
  const key = hkdfSha256(ikm, new Uint8Array(0), new ByteWriter().text(GRANT_SCOPE_KEY_LABEL).finish(), KEY_BYTES);
  ikm.fill(0);
  return key;
}

function scopeAad(ref: GrantRef): Uint8Array {
  checkAccountId(ref.vaultId);
  checkAccountId(ref.grantId);
  return labelled(GRANT_SCOPE_LABEL, new ByteWriter().text(ref.vaultId).text(ref.grantId).finish());
}

/** The smallest multiple of 256 that holds the u32 length and the body. */
function paddedLength(bodyLength: number): number {
  return Math.ceil((4 + bodyLength) / GRANT_SCOPE_PADDING) * GRANT_SCOPE_PADDING;
}

function encodeScope(scope: GrantScope): Uint8Array {
  const writer = new ByteWriter().u8(KIND_CODES[scope.kind]);
  const categories = scope.kind === 'categories' ? sortedCategories(scope.categories) : [];
  writer.u32(categories.length);
  for (const category of categories) writer.fixed(category, category.length);
  return writer.finish();
}

function decodeScope(body: Uint8Array): GrantScope {
  const reader = new ByteReader(body);
  const kind = reader.u8();
  const count = reader.u32();
  if (kind !== KIND_CODES.categories) {
    reader.end();
    if (count !== 0) throw new CryptoError('FORMAT_INVALID');
    if (kind === KIND_CODES.all) return { kind: 'all' };
    if (kind === KIND_CODES.documents) return { kind: 'documents' };
    throw new CryptoError('FORMAT_INVALID');
  }
  if (count > reader.remaining) throw new CryptoError('FORMAT_INVALID');
  const categories: string[] = [];
  let previous: Uint8Array | null = null;
  for (let i = 0; i < count; i++) {
    const category = reader.text(MAX_CATEGORY_BYTES);
    const key = new TextEncoder().encode(category);
    if (key.length === 0 || (previous !== null && compareBytes(previous, key) >= 0)) throw new CryptoError('FORMAT_INVALID');
    previous = key;
    categories.push(category);
  }
  reader.end();
  return { kind: 'categories', categories };
}

/** Each category as its encoded text (u32 length | UTF-8), in ascending byte order. */
function sortedCategories(categories: readonly string[]): Uint8Array[] {
  const keyed = categories.map((category) => {
    const utf8 = new TextEncoder().encode(category);
    if (utf8.length === 0 || utf8.length > MAX_CATEGORY_BYTES) throw new RangeError('category must be 1 to 64 UTF-8 bytes');
    return { utf8, encoded: new ByteWriter().text(category).finish() };
  });
  keyed.sort((a, b) => compareBytes(a.utf8, b.utf8));
  for (let i = 1; i < keyed.length; i++) {
    if (compareBytes(keyed[i - 1]!.utf8, keyed[i]!.utf8) === 0) throw new RangeError('duplicate category in a grant scope');
  }
  return keyed.map(({ encoded }) => encoded);
}
