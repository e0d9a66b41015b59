// Password -> account keys (DESIGN.md "Keys"; ATK-02, ATK-25, ATK-27, ATK-28).
//
//   master           = Argon2id v1.3(NFKC(password) as UTF-8, salt, m, t, p = 1), 32 bytes
//   authKey          = HKDF-SHA256(master, salt = none, info = text(AUTH_KEY_LABEL) || kdfParamsHash, 32)
//   keyEncryptionKey = HKDF-SHA256(master, salt = none, info = text(KEK_LABEL) || kdfParamsHash, 32)
//
// The server sees authKey only (it stores a hash of it). HKDF with distinct labels makes the two keys
// independent, so authKey reveals nothing of the KEK (ATK-02), and binding the parameters' hash means
// keys derived under parameters the server swapped in are simply different keys (ATK-25).
// Parameters are checked against a floor and a ceiling before any hashing: a server cannot make the
// client hash with weak parameters (and send the result) nor exhaust its memory.

import { ByteReader, ByteWriter } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { hkdfSha256, hmacSha256, KEY_BYTES, randomBytes, sha256 } from './primitives.ts';
import { loadSodium } from './sodium.ts';

export const KDF_ALGORITHM = 'argon2id13';
export const KDF_SALT_BYTES = 16;
export const KDF_PARAMS_FORMAT_VERSION = 1;

export const AUTH_KEY_LABEL = 'coffre-sante/v1/auth-key';
export const KEK_LABEL = 'coffre-sante/v1/key-encryption-key';
export const KDF_PARAMS_HASH_LABEL = 'coffre-sante/v1/kdf-params';
export const FAKE_SALT_LABEL = 'coffre-sante/v1/fake-salt';

export interface KdfParams {
  algorithm: typeof KDF_ALGORITHM;
  memoryKiB: number;
  iterations: number;
  /** Always 1: libsodium computes one lane only. Typed as a number so that received values can be checked. */
  parallelism: number;
  salt: Uint8Array;
}

export interface AccountKeys {
  authKey: Uint8Array;
  keyEncryptionKey: Uint8Array;
}

/** The parameters new accounts get (a fresh random salt is added by newKdfParams). */
export const DEFAULT_KDF = { algorithm: KDF_ALGORITHM, memoryKiB: 65_536, iterations: 3, parallelism: 1 } as const;

/** Below any of these the client refuses to hash: KDF_PARAMS_TOO_WEAK. */
export const KDF_FLOOR = { memoryKiB: 65_536, iterations: 3 } as const;

/**
 * Above any of these the client refuses to hash: KDF_PARAMS_TOO_COSTLY. The work bound (memory x passes)
 * is 1 GiB x 3, 16 times the default (~2.5 s in Node on a quiet machine, 9 s measured under load), so a
 * server cannot stall or exhaust the client. libsodium's wasm heap grows to m and never shrinks: hash in
 * a Worker that can be terminated.
 */
export const KDF_CEILING = { memoryKiB: 1_048_576, iterations: 48, work: 3_145_728 } as const;

export function newKdfParams(salt: Uint8Array = randomBytes(KDF_SALT_BYTES)): KdfParams {
  return { ...DEFAULT_KDF, salt: salt.slice() };
}

/** Throws CryptoError KDF_PARAMS_TOO_WEAK or KDF_PARAMS_TOO_COSTLY unless the parameters are within bounds. */
export function assertKdfParamsAcceptable(params: KdfParams): void {
  const tooWeak =
    (params.algorithm as string) !== KDF_ALGORITHM ||
    params.parallelism !== 1 ||
    !(params.salt instanceof Uint8Array) ||
    params.salt.length !== KDF_SALT_BYTES ||
    !isAtLeast(params.memoryKiB, KDF_FLOOR.memoryKiB) ||
    !isAtLeast(params.iterations, KDF_FLOOR.iterations);
  if (tooWeak) throw new CryptoError('KDF_PARAMS_TOO_WEAK');
  const { memoryKiB, iterations } = params;
  if (memoryKiB > KDF_CEILING.memoryKiB || iterations > KDF_CEILING.iterations || memoryKiB * iterations > KDF_CEILING.work) {
    throw new CryptoError('KDF_PARAMS_TOO_COSTLY');
  }
}

function isAtLeast(value: number, floor: number): boolean {
  return Number.isSafeInteger(value) && value >= floor;
}

/** Canonical v1 encoding: u8 version || text(algorithm) || u32 memoryKiB || u32 iterations || u8 parallelism || salt[16]. */
export function encodeKdfParams(params: KdfParams): Uint8Array {
  return new ByteWriter()
    .u8(KDF_PARAMS_FORMAT_VERSION)
    .text(params.algorithm)
    .u32(params.memoryKiB)
    .u32(params.iterations)
    .u8(params.parallelism)
    .fixed(params.salt, KDF_SALT_BYTES)
    .finish();
}

/** Inverse of encodeKdfParams: FORMAT_INVALID or VERSION_UNSUPPORTED. Does not judge the values: see assertKdfParamsAcceptable. */
export function decodeKdfParams(bytes: Uint8Array): KdfParams {
  const reader = new ByteReader(bytes);
  if (reader.u8() !== KDF_PARAMS_FORMAT_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
  if (reader.text(64) !== KDF_ALGORITHM) throw new CryptoError('VERSION_UNSUPPORTED');
  const memoryKiB = reader.u32();
  const iterations = reader.u32();
  const parallelism = reader.u8();
  const salt = reader.fixed(KDF_SALT_BYTES);
  reader.end();
  return { algorithm: KDF_ALGORITHM, memoryKiB, iterations, parallelism, salt };
}

/** SHA-256(text(KDF_PARAMS_HASH_LABEL) || bytes(encodeKdfParams(params))): bound into the key bundle's AAD. */
export function kdfParamsHash(params: KdfParams): Uint8Array {
  return sha256(new ByteWriter().text(KDF_PARAMS_HASH_LABEL).bytes(encodeKdfParams(params)).finish());
}

/** Argon2id then HKDF, as in the header. Checks the parameters first; loads libsodium if needed. */
export async function deriveAccountKeys(password: string, params: KdfParams): Promise<AccountKeys> {
  assertKdfParamsAcceptable(params);
  if (password.length === 0) throw new RangeError('password must not be empty');
  const sodium = await loadSodium();
  const passwordBytes = new TextEncoder().encode(password.normalize('NFKC'));
  const master = sodium.crypto_pwhash(
    KEY_BYTES,
    passwordBytes,
    params.salt,
    params.iterations,
    params.memoryKiB * 1024,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  try {
    const paramsHash = kdfParamsHash(params);
    return {
      authKey: deriveSubkey(master, AUTH_KEY_LABEL, paramsHash),
      keyEncryptionKey: deriveSubkey(master, KEK_LABEL, paramsHash),
    };
  } finally {
    master.fill(0);
    passwordBytes.fill(0);
  }
}

function deriveSubkey(master: Uint8Array, label: string, paramsHash: Uint8Array): Uint8Array {
  const info = new ByteWriter().text(label).fixed(paramsHash, 32).finish();
  return hkdfSha256(master, new Uint8Array(0), info, KEY_BYTES);
}

/**
 * The salt pre-login answers for an unknown account id (ATK-28): HMAC-SHA256(serverSecret,
 * text(FAKE_SALT_LABEL) || text(accountId)) cut to 16 bytes. Deterministic, so repeated queries agree,
 * and unlinkable to real salts without the server secret (at least 32 bytes).
 */
export function fakeSaltForUnknownAccount(serverSecret: Uint8Array, accountId: string): Uint8Array {
  if (!(serverSecret instanceof Uint8Array) || serverSecret.length < KEY_BYTES) {
    throw new RangeError('server secret must be at least 32 bytes');
  }
  const message = new ByteWriter().text(FAKE_SALT_LABEL).text(accountId).finish();
  return hmacSha256(serverSecret, message).slice(0, KDF_SALT_BYTES);
}

/** DEFAULT_KDF with the fake salt: what pre-login returns for an unknown id, shaped like a real answer. */
export function fakeKdfParamsForUnknownAccount(serverSecret: Uint8Array, accountId: string): KdfParams {
  return newKdfParams(fakeSaltForUnknownAccount(serverSecret, accountId));
}
