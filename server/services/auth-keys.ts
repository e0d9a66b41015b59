// Verifiers for the auth key and the recovery auth key. Both are 256-bit outputs of a KDF on the client
// (Argon2id then HKDF for the password, the recovery key's own derivation), not passwords: guessing one is
// a 2^256 search, so a fast hash is enough and a slow one would only cost the server. A per-account salt
// and a purpose label keep the two verifiers and every account's verifier unrelated.
//   verifier = SHA-256(text(label) || salt[16] || key[32])
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_SALT_BYTES = 16;
const LABELS = { auth: 'coffre-sante/v1/server/auth-key-verifier', recovery: 'coffre-sante/v1/server/recovery-key-verifier' } as const;
export type KeyPurpose = keyof typeof LABELS;

/** Used for unknown accounts so both paths hash the same amount (ATK-28 timing). */
const DUMMY_SALT = new Uint8Array(KEY_SALT_BYTES);
const DUMMY_VERIFIER = new Uint8Array(32);

export function newKeySalt(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_SALT_BYTES));
}

export function keyVerifier(purpose: KeyPurpose, salt: Uint8Array, key: Uint8Array): Uint8Array {
  const label = Buffer.from(LABELS[purpose], 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(label.length);
  return new Uint8Array(createHash('sha256').update(length).update(label).update(salt).update(key).digest());
}

/** Constant-time check of a presented key; with `stored` null (unknown account) it does the same work and fails. */
export function verifyKey(purpose: KeyPurpose, stored: { salt: Uint8Array; verifier: Uint8Array } | null, presented: Uint8Array): boolean {
  const salt = stored?.salt ?? DUMMY_SALT;
  const expected = stored?.verifier ?? DUMMY_VERIFIER;
  const actual = keyVerifier(purpose, salt, presented);
  return timingSafeEqual(actual, expected) && stored !== null;
}
