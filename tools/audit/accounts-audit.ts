// Accounts: each public bundle verifies under its own key (verifyPublicBundle) and names its own row; the
// wrapped private bundles have exactly the size of sealed seeds for that id (no room for anything else);
// the verifier columns have their fixed sizes. The verified bundles are the trust roots of every other
// signature check: a signer's key is always taken from its account's bundle, never from the signed data.
import type Database from 'better-sqlite3';
import { HYBRID_SEED_BYTES } from '../../crypto/envelope-kem.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import { verifyPublicBundle, type PublicKeyBundle } from '../../crypto/identity.ts';
import { KDF_ALGORITHM, KDF_SALT_BYTES } from '../../crypto/password.ts';
import { rowWhere, type Findings } from './findings.ts';

interface AccountRow {
  id: string;
  key_salt: Buffer;
  auth_key_hash: Buffer;
  recovery_auth_key_hash: Buffer;
  kdf_algorithm: string;
  kdf_salt: Buffer;
  public_bundle: Buffer;
  wrapped_private_bundle: Buffer;
  recovery_wrapped_private_bundle: Buffer;
}

/** u16 version | fixed24 nonce | sealed(u16 version | text accountId | signing seed | KEM seed) | 16-byte tag. */
function wrappedBundleBytes(accountId: string): number {
  return 2 + 24 + (2 + 4 + Buffer.byteLength(accountId, 'utf8') + 32 + HYBRID_SEED_BYTES) + 16;
}

const FIXED_SIZES: readonly [keyof AccountRow, number][] = [
  ['key_salt', 16], ['auth_key_hash', 32], ['recovery_auth_key_hash', 32], ['kdf_salt', KDF_SALT_BYTES],
];

/** Verified public bundles by account id (accounts whose bundle fails are left out, with an ERROR). */
export function auditAccounts(db: Database.Database, findings: Findings): Map<string, PublicKeyBundle> {
  const rows = db.prepare('SELECT * FROM accounts ORDER BY id').all() as AccountRow[];
  const bundles = new Map<string, PublicKeyBundle>();
  for (const row of rows) {
    const bundle = verifiedBundle(row, findings);
    if (bundle !== null) bundles.set(row.id, bundle);
    checkShapes(row, findings);
  }
  return bundles;
}

function verifiedBundle(row: AccountRow, findings: Findings): PublicKeyBundle | null {
  const where = rowWhere('accounts', 'public_bundle', { id: row.id });
  try {
    const bundle = verifyPublicBundle(new Uint8Array(row.public_bundle));
    if (bundle.accountId === row.id) return bundle;
    findings.error('bundle-account-mismatch', where, 'the public bundle is signed for another account id');
  } catch (error) {
    findings.error('bundle-invalid', where, `the public bundle does not verify (${isCryptoError(error) ? error.code : 'unexpected'})`);
  }
  return null;
}

function checkShapes(row: AccountRow, findings: Findings): void {
  for (const [column, size] of FIXED_SIZES) {
    const value = row[column];
    if (!Buffer.isBuffer(value) || value.length !== size) findings.error('column-shape', rowWhere('accounts', column, { id: row.id }), `expected ${size} bytes`);
  }
  if (row.kdf_algorithm !== KDF_ALGORITHM) findings.error('column-shape', rowWhere('accounts', 'kdf_algorithm', { id: row.id }), 'not the one allowed KDF algorithm');
  const expected = wrappedBundleBytes(row.id);
  for (const column of ['wrapped_private_bundle', 'recovery_wrapped_private_bundle'] as const) {
    const value = row[column];
    const where = rowWhere('accounts', column, { id: row.id });
    if (!Buffer.isBuffer(value) || value.length !== expected) findings.error('wrapped-bundle-size', where, `expected ${expected} bytes (sealed seeds for this id)`);
    else if (value.readUInt16BE(0) !== 1) findings.error('wrapped-bundle-version', where, 'not private bundle format version 1');
  }
}
