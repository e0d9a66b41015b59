// Account rules. The server never sees a password, only auth keys it stores as verifiers
// (auth-keys.ts). Enumeration resistance (ATK-28): pre-login answers a deterministic fake salt with the
// default parameters for an unknown id; sign-up answers the same 202 whether the id was free or taken;
// login and recovery fail with one code, after the same hashing work, for an unknown id or a wrong key.
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { assertKdfParamsAcceptable, fakeKdfParamsForUnknownAccount, type KdfParams } from '../../crypto/password.ts';
import type { KdfParamsWire, SignUpRequest } from '../../shared/accounts.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { ApiError } from '../http-error.ts';
import { accounts, vaults } from '../storage/schema.ts';
import { keyVerifier, newKeySalt, verifyKey, type KeyPurpose } from './auth-keys.ts';
import type { Deps } from './deps.ts';
import { assertNotThrottled, countSignUp, recordFailure, recordSuccess, throttleKeys } from './throttle.ts';

export type AccountRow = typeof accounts.$inferSelect;

export function kdfToWire(params: KdfParams): KdfParamsWire {
  const { algorithm, memoryKiB, iterations, parallelism } = params;
  return { algorithm, memoryKiB, iterations, parallelism, salt: toBase64url(params.salt) };
}

function kdfOfRow(row: Pick<AccountRow, 'kdfMemoryKiB' | 'kdfIterations' | 'kdfParallelism' | 'kdfSalt'>): KdfParamsWire {
  return { algorithm: 'argon2id13', memoryKiB: row.kdfMemoryKiB, iterations: row.kdfIterations, parallelism: row.kdfParallelism, salt: toBase64url(row.kdfSalt) };
}

/** The KDF columns for parameters a client sent; KDF_PARAMS_REJECTED outside crypto's floor and ceiling. */
function kdfColumns(wire: KdfParamsWire) {
  const salt = fromBase64url(wire.salt);
  try {
    assertKdfParamsAcceptable({ ...wire, salt });
  } catch {
    throw new ApiError('KDF_PARAMS_REJECTED');
  }
  return { kdfAlgorithm: wire.algorithm, kdfMemoryKiB: wire.memoryKiB, kdfIterations: wire.iterations, kdfParallelism: wire.parallelism, kdfSalt: Buffer.from(salt) };
}

export function findAccount(deps: Deps, accountId: string): AccountRow | null {
  return deps.storage.db.select().from(accounts).where(eq(accounts.id, accountId)).get() ?? null;
}

/**
 * Real parameters for a known id, fake but stable ones for an unknown id: same shape either way. Both
 * paths run the same lookup (KDF columns only) and compute the fake salt, so their timing stays close.
 */
export function preLogin(deps: Deps, accountId: string): KdfParamsWire {
  const row = deps.storage.db
    .select({ kdfMemoryKiB: accounts.kdfMemoryKiB, kdfIterations: accounts.kdfIterations, kdfParallelism: accounts.kdfParallelism, kdfSalt: accounts.kdfSalt })
    .from(accounts)
    .where(eq(accounts.id, accountId))
    .get() ?? null;
  const fake = kdfToWire(fakeKdfParamsForUnknownAccount(deps.serverSecret, accountId));
  return row === null ? fake : kdfOfRow(row);
}

/**
 * Creates the account and its vault, or silently nothing if the id is taken (ATK-28): the answer is the
 * same 202 either way, and the owner of a taken id learns nothing new at their next login. Counted per
 * address (throttle.ts) once the request is known to be well formed.
 */
export function signUp(deps: Deps, request: SignUpRequest, address: string): void {
  const kdf = kdfColumns(request.kdf);
  countSignUp(deps, address);
  const keySalt = newKeySalt();
  const values = {
    id: request.accountId,
    keySalt: Buffer.from(keySalt),
    authKeyHash: Buffer.from(keyVerifier('auth', keySalt, fromBase64url(request.authKey))),
    recoveryAuthKeyHash: Buffer.from(keyVerifier('recovery', keySalt, fromBase64url(request.recoveryAuthKey))),
    ...kdf,
    publicBundle: Buffer.from(fromBase64url(request.publicBundle)),
    wrappedPrivateBundle: Buffer.from(fromBase64url(request.wrappedPrivateBundle)),
    recoveryWrappedPrivateBundle: Buffer.from(fromBase64url(request.recoveryWrappedPrivateBundle)),
    createdAt: deps.clock(),
  };
  deps.storage.db.transaction((tx) => {
    const inserted = tx.insert(accounts).values(values).onConflictDoNothing().run().changes;
    if (inserted === 1) tx.insert(vaults).values({ id: newRandomId(), ownerAccountId: values.id, createdAt: values.createdAt }).run();
  });
}

/** 16 random bytes, unpadded base64url (22 characters): vault and upload ids. */
export function newRandomId(): string {
  return toBase64url(new Uint8Array(randomBytes(16)));
}

/**
 * Checks `key` against the account's verifier for `purpose`, throttled per account and per address.
 * Returns the account; UNAUTHENTICATED for an unknown id or a wrong key alike; TOO_MANY_REQUESTS when locked.
 */
export function authenticate(deps: Deps, accountId: string, purpose: KeyPurpose, key: string, address: string): AccountRow {
  const keys = throttleKeys(deps, accountId, address);
  assertNotThrottled(deps, keys);
  const row = findAccount(deps, accountId);
  const stored = row === null ? null : { salt: row.keySalt, verifier: purpose === 'auth' ? row.authKeyHash : row.recoveryAuthKeyHash };
  if (!verifyKey(purpose, stored, fromBase64url(key)) || row === null) {
    recordFailure(deps, keys);
    throw new ApiError('UNAUTHENTICATED');
  }
  recordSuccess(deps, keys);
  return row;
}

export function accountMaterial(row: AccountRow) {
  return { kdf: kdfOfRow(row), publicBundle: toBase64url(row.publicBundle), wrappedPrivateBundle: toBase64url(row.wrappedPrivateBundle) };
}

/** New password material (change or recovery reset): a new verifier, parameters and wrapped bundle. */
export function replacePasswordMaterial(deps: Deps, row: AccountRow, material: { authKey: string; kdf: KdfParamsWire; wrappedPrivateBundle: string }): void {
  const kdf = kdfColumns(material.kdf);
  const authKeyHash = Buffer.from(keyVerifier('auth', row.keySalt, fromBase64url(material.authKey)));
  const wrappedPrivateBundle = Buffer.from(fromBase64url(material.wrappedPrivateBundle));
  deps.storage.db.update(accounts).set({ authKeyHash, wrappedPrivateBundle, ...kdf }).where(eq(accounts.id, row.id)).run();
}
