// The private key bundle of an account, wrapped under a key-encryption key (ATK-01, ATK-24, ATK-25).
//
// The same bundle is wrapped twice: under the password KEK (purpose 'password', Argon2id, see password.ts)
// and under the recovery KEK (purpose 'recovery', from the recovery words, see recovery-key handling
// below). There is no third wrap: no server escrow, no "recovery public key" the server could push.
//
// Plain bundle:  u16 version (= 1) | text accountId | fixed32 signingSeed | fixed32 kemSeed
// Wrapped:       u16 version (= 1) | fixed24 nonce | XChaCha20-Poly1305(kek, nonce, plain bundle, aad)
// aad = text("coffre-sante/v1/private-bundle") | text accountId | text purpose | u16 version
//       | fixed32 kdfParamsHash
// Binding the KDF parameters hash means a server that swaps in weaker parameters gets a KEK that opens
// nothing; binding account id and purpose means another user's or another purpose's bundle opens nothing.

import { ByteReader, ByteWriter } from './encoding.ts';
import { HYBRID_SEED_BYTES } from './envelope-kem.ts';
import { CryptoError } from './errors.ts';
import { checkAccountId, readAccountId, type IdentitySecrets } from './identity.ts';
import { checkLength, HASH_BYTES, KEY_BYTES, randomBytes, sha256, xchacha20poly1305Open, xchacha20poly1305Seal } from './primitives.ts';

export const PRIVATE_BUNDLE_VERSION = 1;
export const PRIVATE_BUNDLE_LABEL = 'coffre-sante/v1/private-bundle';
const NONCE_BYTES = 24;

export type BundlePurpose = 'password' | 'recovery';
const BUNDLE_PURPOSES: readonly string[] = ['password', 'recovery'];

export interface PrivateKeyBundle {
  accountId: string;
  identity: IdentitySecrets;
}

export interface BundleAadContext {
  accountId: string;
  purpose: BundlePurpose;
  /** kdfParamsHash(params) from password.ts, or RECOVERY_KDF_PARAMS_HASH for the recovery wrap. */
  kdfParamsHash: Uint8Array;
}

/** The "parameters hash" of the recovery KEK derivation (HKDF-SHA256 of 256 random bits: no parameters). */
export const RECOVERY_KDF_PARAMS_HASH = sha256(
  new ByteWriter().text('coffre-sante/v1/recovery-kdf').text('hkdf-sha256').finish(),
);

/** Seals the bundle under `kek`; a fresh random nonce per call. */
export function wrapPrivateBundle(kek: Uint8Array, context: BundleAadContext, bundle: PrivateKeyBundle): Uint8Array {
  checkLength(kek, KEY_BYTES, 'key-encryption key');
  if (bundle.accountId !== context.accountId) throw new RangeError('bundle and context name different accounts');
  const nonce = randomBytes(NONCE_BYTES);
  const sealed = xchacha20poly1305Seal(kek, nonce, encodePlainBundle(bundle), bundleAad(context));
  return new ByteWriter().u16(PRIVATE_BUNDLE_VERSION).fixed(nonce, NONCE_BYTES).fixed(sealed, sealed.length).finish();
}

/**
 * Opens a wrapped bundle. Anything wrong (mauled bytes, another account's bundle, other KDF parameters,
 * the other purpose, an unknown version, a wrong key) throws the same KEY_BUNDLE_INVALID, so the error
 * tells a probing server nothing; no key material is returned or kept on failure.
 */
export function unwrapPrivateBundle(kek: Uint8Array, context: BundleAadContext, wrapped: Uint8Array): PrivateKeyBundle {
  checkLength(kek, KEY_BYTES, 'key-encryption key');
  const aad = bundleAad(context);
  try {
    const reader = new ByteReader(wrapped);
    if (reader.u16() !== PRIVATE_BUNDLE_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
    const nonce = reader.fixed(NONCE_BYTES);
    const plain = xchacha20poly1305Open(kek, nonce, reader.fixed(reader.remaining), aad);
    const bundle = decodePlainBundle(plain);
    plain.fill(0);
    if (bundle.accountId !== context.accountId) throw new CryptoError('FORMAT_INVALID');
    return bundle;
  } catch (error) {
    throw new CryptoError('KEY_BUNDLE_INVALID', { cause: error instanceof CryptoError ? error.code : undefined });
  }
}

function bundleAad(context: BundleAadContext): Uint8Array {
  checkAccountId(context.accountId);
  if (!BUNDLE_PURPOSES.includes(context.purpose)) throw new RangeError('unknown bundle purpose');
  return new ByteWriter()
    .text(PRIVATE_BUNDLE_LABEL)
    .text(context.accountId)
    .text(context.purpose)
    .u16(PRIVATE_BUNDLE_VERSION)
    .fixed(context.kdfParamsHash, HASH_BYTES)
    .finish();
}

function encodePlainBundle(bundle: PrivateKeyBundle): Uint8Array {
  checkAccountId(bundle.accountId);
  return new ByteWriter()
    .u16(PRIVATE_BUNDLE_VERSION)
    .text(bundle.accountId)
    .fixed(bundle.identity.signingSeed, KEY_BYTES)
    .fixed(bundle.identity.kemSeed, HYBRID_SEED_BYTES)
    .finish();
}

function decodePlainBundle(plain: Uint8Array): PrivateKeyBundle {
  const reader = new ByteReader(plain);
  if (reader.u16() !== PRIVATE_BUNDLE_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
  const accountId = readAccountId(reader);
  const signingSeed = reader.fixed(KEY_BYTES);
  const kemSeed = reader.fixed(HYBRID_SEED_BYTES);
  reader.end();
  return { accountId, identity: { signingSeed, kemSeed } };
}
