// crypto/password.ts: parameter floor and ceiling (checked before any hashing), canonical encoding and
// hash of the parameters, the Argon2id -> HKDF derivation and the fake salt for unknown accounts.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ByteWriter } from '../../crypto/encoding.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import {
  AUTH_KEY_LABEL,
  assertKdfParamsAcceptable,
  decodeKdfParams,
  DEFAULT_KDF,
  deriveAccountKeys,
  encodeKdfParams,
  fakeKdfParamsForUnknownAccount,
  fakeSaltForUnknownAccount,
  FAKE_SALT_LABEL,
  kdfParamsHash,
  KEK_LABEL,
  newKdfParams,
  type KdfParams,
} from '../../crypto/password.ts';
import { hkdfSha256, hmacSha256 } from '../../crypto/primitives.ts';
import { loadSodium, type Sodium } from '../../crypto/sodium.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const SALT = Uint8Array.from({ length: 16 }, (_, i) => i);
const PARAMS: KdfParams = newKdfParams(SALT);

function errorCode(operation: () => unknown): string {
  try {
    operation();
    return 'no error';
  } catch (error) {
    return isCryptoError(error) ? error.code : String(error);
  }
}

async function asyncErrorCode(operation: () => Promise<unknown>): Promise<string> {
  try {
    await operation();
    return 'no error';
  } catch (error) {
    return isCryptoError(error) ? error.code : String(error);
  }
}

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('KDF parameter bounds', () => {
  it('defaults to Argon2id, 64 MiB, t = 3, p = 1 with a fresh 16-byte salt each time', () => {
    expect(DEFAULT_KDF).toEqual({ algorithm: 'argon2id13', memoryKiB: 65_536, iterations: 3, parallelism: 1 });
    const [a, b] = [newKdfParams(), newKdfParams()];
    expect(a.salt.length).toBe(16);
    expect(hex(a.salt)).not.toBe(hex(b.salt));
    expect(() => { assertKdfParamsAcceptable(a); }).not.toThrow();
  });

  const tooWeak: [string, Partial<KdfParams> | Record<string, unknown>][] = [
    ['memory below 64 MiB', { memoryKiB: 65_535 }],
    ['one pass too few', { iterations: 2 }],
    ['two lanes', { parallelism: 2 }],
    ['zero lanes', { parallelism: 0 }],
    ['a 15-byte salt', { salt: new Uint8Array(15) }],
    ['a 17-byte salt', { salt: new Uint8Array(17) }],
    ['another algorithm', { algorithm: 'argon2i13' }],
    ['a memory size that is not a number', { memoryKiB: Number.NaN }],
    ['a fractional pass count', { iterations: 3.5 }],
  ];

  it.each(tooWeak)('ATK-25 refuses %s with KDF_PARAMS_TOO_WEAK before Argon2 runs', async (_, change) => {
    const params = { ...PARAMS, ...change } as KdfParams;
    const pwhash = vi.spyOn(sodium, 'crypto_pwhash');
    expect(errorCode(() => { assertKdfParamsAcceptable(params); })).toBe('KDF_PARAMS_TOO_WEAK');
    expect(await asyncErrorCode(() => deriveAccountKeys('a password', params))).toBe('KDF_PARAMS_TOO_WEAK');
    expect(pwhash).not.toHaveBeenCalled();
  });

  it.each([
    ['more than 1 GiB of memory', { memoryKiB: 1_048_577 }],
    ['more than 48 passes', { iterations: 49 }],
    ['more work than 1 GiB x 3 passes', { memoryKiB: 1_048_576, iterations: 4 }],
  ])('ATK-25 refuses %s with KDF_PARAMS_TOO_COSTLY before Argon2 runs', async (_, change) => {
    const params = { ...PARAMS, ...change };
    const pwhash = vi.spyOn(sodium, 'crypto_pwhash');
    expect(errorCode(() => { assertKdfParamsAcceptable(params); })).toBe('KDF_PARAMS_TOO_COSTLY');
    expect(await asyncErrorCode(() => deriveAccountKeys('a password', params))).toBe('KDF_PARAMS_TOO_COSTLY');
    expect(pwhash).not.toHaveBeenCalled();
  });

  it('accepts the edges: exactly the floor, and 1 GiB x 3 passes', () => {
    expect(() => { assertKdfParamsAcceptable({ ...PARAMS, memoryKiB: 65_536, iterations: 3 }); }).not.toThrow();
    expect(() => { assertKdfParamsAcceptable({ ...PARAMS, memoryKiB: 1_048_576, iterations: 3 }); }).not.toThrow();
    expect(() => { assertKdfParamsAcceptable({ ...PARAMS, memoryKiB: 65_536, iterations: 48 }); }).not.toThrow();
  });
});

describe('KDF parameter encoding and hash', () => {
  it('encodes v1 as version, algorithm, m, t, p, salt (big-endian, length-prefixed text)', () => {
    const expected = '01' + '0000000a' + hex(new TextEncoder().encode('argon2id13')) + '00010000' + '00000003' + '01' + hex(SALT);
    expect(hex(encodeKdfParams(PARAMS))).toBe(expected);
    expect(decodeKdfParams(encodeKdfParams(PARAMS))).toEqual(PARAMS);
  });

  it('hashes SHA-256(text(label) || bytes(encoding))', async () => {
    const { sha256 } = await import('../../crypto/primitives.ts');
    const labelled = new ByteWriter().text('coffre-sante/v1/kdf-params').bytes(encodeKdfParams(PARAMS)).finish();
    expect(hex(kdfParamsHash(PARAMS))).toBe(hex(sha256(labelled)));
  });

  it('ATK-25 changes the hash when any field changes', () => {
    const flipped = SALT.slice();
    flipped[15] = (flipped[15] ?? 0) ^ 1;
    const variants = [
      PARAMS,
      { ...PARAMS, memoryKiB: PARAMS.memoryKiB + 1 },
      { ...PARAMS, iterations: PARAMS.iterations + 1 },
      { ...PARAMS, parallelism: 2 },
      { ...PARAMS, salt: flipped },
    ];
    expect(new Set(variants.map((params) => hex(kdfParamsHash(params)))).size).toBe(variants.length);
  });

  it('refuses malformed encodings when decoding', () => {
    const good = encodeKdfParams(PARAMS);
    const otherVersion = good.slice();
    otherVersion[0] = 2;
    const otherAlgorithm = good.slice();
    otherAlgorithm[12] = 0x78; // "argon2id13" -> "argon2id1x"
    expect(errorCode(() => decodeKdfParams(otherVersion))).toBe('VERSION_UNSUPPORTED');
    expect(errorCode(() => decodeKdfParams(otherAlgorithm))).toBe('VERSION_UNSUPPORTED');
    expect(errorCode(() => decodeKdfParams(Uint8Array.of(...good, 0)))).toBe('FORMAT_INVALID');
    expect(errorCode(() => decodeKdfParams(good.subarray(0, good.length - 1)))).toBe('FORMAT_INVALID');
  });
});

describe('deriveAccountKeys', () => {
  it('is deterministic and normalises the password to NFKC first', async () => {
    const composed = await deriveAccountKeys('café ﬁole', PARAMS); // U+00E9 and the "fi" ligature U+FB01
    const decomposed = await deriveAccountKeys('cafe\u0301 fiole', PARAMS);
    expect(hex(composed.authKey)).toBe(hex(decomposed.authKey));
    expect(hex(composed.keyEncryptionKey)).toBe(hex(decomposed.keyEncryptionKey));
  });

  it('ATK-02 ATK-27 derives the auth key and the KEK from Argon2id by HKDF with distinct labels', async () => {
    const keys = await deriveAccountKeys('correct horse', PARAMS);
    const master = sodium.crypto_pwhash(32, 'correct horse', SALT, 3, 65_536 * 1024, sodium.crypto_pwhash_ALG_ARGON2ID13);
    const info = (label: string): Uint8Array => new ByteWriter().text(label).fixed(kdfParamsHash(PARAMS), 32).finish();
    expect(AUTH_KEY_LABEL).toBe('coffre-sante/v1/auth-key');
    expect(KEK_LABEL).toBe('coffre-sante/v1/key-encryption-key');
    expect(hex(keys.authKey)).toBe(hex(hkdfSha256(master, new Uint8Array(0), info(AUTH_KEY_LABEL), 32)));
    expect(hex(keys.keyEncryptionKey)).toBe(hex(hkdfSha256(master, new Uint8Array(0), info(KEK_LABEL), 32)));
    expect(hex(keys.authKey)).not.toBe(hex(keys.keyEncryptionKey));
    expect(hex(keys.authKey)).not.toBe(hex(master));
  });

  it('ATK-25 gives different keys under different parameters (salt or cost)', async () => {
    const base = await deriveAccountKeys('correct horse', PARAMS);
    const otherSalt = await deriveAccountKeys('correct horse', newKdfParams());
    expect(hex(otherSalt.authKey)).not.toBe(hex(base.authKey));
    expect(hex(otherSalt.keyEncryptionKey)).not.toBe(hex(base.keyEncryptionKey));
  });

  it('matches the example values of the specification', async () => {
    expect(hex(kdfParamsHash(PARAMS))).toBe('69d11b1a7cee4f3cda2866585a033361b6a5b3695ad67521b3a91854063c05f2');
    const keys = await deriveAccountKeys('correct horse battery staple', PARAMS);
    expect(hex(keys.authKey)).toBe('b5881ddff398955a45df968f5145e4693c6c901fa5dd228d0abdb0f3ead500a6');
    expect(hex(keys.keyEncryptionKey)).toBe('72c4b445fce90ae6cb1fffe7a678d196ac0992847a01bd54fae4f36e439a23dd');
    expect(hex(fakeSaltForUnknownAccount(new Uint8Array(32).fill(0x42), 'alice@example.org'))).toBe('c2ea282e9657022f8571b4d13be6926a');
  });

  it('refuses an empty password as caller misuse', async () => {
    await expect(deriveAccountKeys('', PARAMS)).rejects.toThrow(RangeError);
  });
});

describe('fake salt for unknown accounts', () => {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

  it('ATK-28 is HMAC-SHA256(secret, text(label) || text(id)) cut to 16 bytes, stable per id', () => {
    const message = new ByteWriter().text(FAKE_SALT_LABEL).text('alice@example.org').finish();
    const salt = fakeSaltForUnknownAccount(secret, 'alice@example.org');
    expect(FAKE_SALT_LABEL).toBe('coffre-sante/v1/fake-salt');
    expect(hex(salt)).toBe(hex(hmacSha256(secret, message).subarray(0, 16)));
    expect(hex(fakeSaltForUnknownAccount(secret, 'alice@example.org'))).toBe(hex(salt));
  });

  it('ATK-28 differs per id and per server secret, and comes with the default parameters', () => {
    const salt = fakeSaltForUnknownAccount(secret, 'alice@example.org');
    expect(hex(fakeSaltForUnknownAccount(secret, 'bob@example.org'))).not.toBe(hex(salt));
    expect(hex(fakeSaltForUnknownAccount(secret.map((b) => b ^ 1), 'alice@example.org'))).not.toBe(hex(salt));
    const params = fakeKdfParamsForUnknownAccount(secret, 'alice@example.org');
    expect({ ...params, salt: hex(params.salt) }).toEqual({ ...DEFAULT_KDF, salt: hex(salt) });
  });

  it('refuses a server secret shorter than 32 bytes', () => {
    expect(() => fakeSaltForUnknownAccount(new Uint8Array(31), 'alice@example.org')).toThrow(RangeError);
  });
});
