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
import type { GrantRef } from './envelope.ts';
import { CryptoError } from './errors.ts';
import { checkAccountId, labelled, type IdentitySecrets } from './identity.ts';
import { compareBytes } from './manifest.ts';
import { OWNER_SEALED_PADDING, openPadded, sealPadded, seedDerivedKey } from './owner-sealed.ts';

export const GRANT_SCOPE_VERSION = 1;
export const GRANT_SCOPE_LABEL = 'coffre-sante/v1/grant-scope';
export const GRANT_SCOPE_KEY_LABEL = 'coffre-sante/v1/grant-scope-key';
export const GRANT_SCOPE_PADDING = OWNER_SEALED_PADDING;
/** A metadata category is a code of at most 64 bytes (metadata-fields.ts). */
const MAX_CATEGORY_BYTES = 64;

/**
 * all: every document, future ones included; categories: documents whose metadata category is listed,
 * future ones included; documents: the documents in the grant list and their new versions.
 */
export type GrantScope = { kind: 'all' } | { kind: 'categories'; categories: string[] } | { kind: 'documents' };

const KIND_CODES = { all: 1, categories: 2, documents: 3 } as const;

/** Seals `scope` for the owner alone, bound to `ref`. Categories are sorted here; a duplicate is a RangeError. */
export function sealGrantScope(owner: IdentitySecrets, ref: GrantRef, scope: GrantScope): Uint8Array {
  return sealPadded(scopeKey(owner), scopeAad(ref), encodeScope(scope), GRANT_SCOPE_VERSION);
}

/**
 * Opens a scope sealed by sealGrantScope for the same owner and grant. VERSION_UNSUPPORTED for another
 * version, DECRYPTION_FAILED for another key or grant or any altered byte, FORMAT_INVALID for bad structure.
 */
export function openGrantScope(owner: IdentitySecrets, ref: GrantRef, bytes: Uint8Array): GrantScope {
  return decodeScope(openPadded(scopeKey(owner), scopeAad(ref), bytes, GRANT_SCOPE_VERSION));
}

function scopeKey(owner: IdentitySecrets): Uint8Array {
  return seedDerivedKey(owner, new ByteWriter().text(GRANT_SCOPE_KEY_LABEL).finish());
}

function scopeAad(ref: GrantRef): Uint8Array {
  checkAccountId(ref.vaultId);
  checkAccountId(ref.grantId);
  return labelled(GRANT_SCOPE_LABEL, new ByteWriter().text(ref.vaultId).text(ref.grantId).finish());
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
