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
import { first } from '../storage/database.ts';
import type { accounts } from '../storage/schema.ts';
import { keyVerifier, newKeySalt, verifyKey, type KeyPurpose } from './auth-keys.ts';
import type { Deps } from './deps.ts';
import { countSignUp, isThrottled, recordFailure, recordSuccess, throttleKeys } from './throttle.ts';

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

export async function findAccount(deps: Deps, accountId: string): Promise<AccountRow | null> {
  const { accounts } = deps.storage.tables;
  return first(await deps.storage.read.select().from(accounts).where(eq(accounts.id, accountId)).limit(1)) ?? null;
}

/**
 * Real parameters for a known id, fake but stable ones for an unknown id: same shape either way. Both
 * paths run the same lookup (KDF columns only) and compute the fake salt, so their timing stays close.
 */
export async function preLogin(deps: Deps, accountId: string): Promise<KdfParamsWire> {
  const { accounts } = deps.storage.tables;
  const row = first(await deps.storage.read
    .select({ kdfMemoryKiB: accounts.kdfMemoryKiB, kdfIterations: accounts.kdfIterations, kdfParallelism: accounts.kdfParallelism, kdfSalt: accounts.kdfSalt })
    .from(accounts)
    .where(eq(accounts.id, accountId))
    .limit(1)) ?? null;
  const fake = kdfToWire(fakeKdfParamsForUnknownAccount(deps.serverSecret, accountId));
  return row === null ? fake : kdfOfRow(row);
}

/**
 * Creates the account and its vault, or silently nothing if the id is taken (ATK-28): the answer is the
 * same 202 either way, and the owner of a taken id learns nothing new at their next login. Counted per
 * address (throttle.ts) once the request is known to be well formed.
 */
export async function signUp(deps: Deps, request: SignUpRequest, address: string): Promise<void> {
  const kdf = kdfColumns(request.kdf);
  await countSignUp(deps, address);
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
  // The vault id is drawn before the transaction, whose body may run again (PostgreSQL retry).
  const vaultId = newRandomId();
  await deps.storage.transaction(async (tx) => {
    const { accounts, vaults } = tx.tables;
    const inserted = (await tx.insert(accounts).values(values).onConflictDoNothing().returning({ id: accounts.id })).length;
    if (inserted === 1) await tx.insert(vaults).values({ id: vaultId, ownerAccountId: values.id, createdAt: values.createdAt });
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
export async function authenticate(deps: Deps, accountId: string, purpose: KeyPurpose, key: string, address: string): Promise<AccountRow> {
  const keys = throttleKeys(deps, accountId, address);
  const now = deps.clock();
  // Lock check, verification and count in one transaction: a burst of guesses sent at once cannot all pass
  // the check before the first failure is counted.
  const outcome = await deps.storage.transaction(async (tx) => {
    if (await isThrottled(tx, keys, now)) return 'TOO_MANY_REQUESTS' as const;
    const { accounts } = tx.tables;
    const row = first(await tx.select().from(accounts).where(eq(accounts.id, accountId)).limit(1)) ?? null;
    const stored = row === null ? null : { salt: row.keySalt, verifier: purpose === 'auth' ? row.authKeyHash : row.recoveryAuthKeyHash };
    if (!verifyKey(purpose, stored, fromBase64url(key)) || row === null) {
      await recordFailure(tx, deps, keys, now);
      return 'UNAUTHENTICATED' as const;
    }
    await recordSuccess(tx, keys);
    return row;
  });
  if (typeof outcome === 'string') throw new ApiError(outcome);
  return outcome;
}

export function accountMaterial(row: AccountRow) {
  return { kdf: kdfOfRow(row), publicBundle: toBase64url(row.publicBundle), wrappedPrivateBundle: toBase64url(row.wrappedPrivateBundle) };
}

/** New password material (change or recovery reset): a new verifier, parameters and wrapped bundle. */
export async function replacePasswordMaterial(deps: Deps, row: AccountRow, material: { authKey: string; kdf: KdfParamsWire; wrappedPrivateBundle: string }): Promise<void> {
  const kdf = kdfColumns(material.kdf);
  const authKeyHash = Buffer.from(keyVerifier('auth', row.keySalt, fromBase64url(material.authKey)));
  const wrappedPrivateBundle = Buffer.from(fromBase64url(material.wrappedPrivateBundle));
  await deps.storage.transaction(async (tx) => {
    const { accounts } = tx.tables;
    await tx.update(accounts).set({ authKeyHash, wrappedPrivateBundle, ...kdf }).where(eq(accounts.id, row.id));
  });
}
