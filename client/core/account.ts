// Sign-up and log-in on the client core. The password never leaves this code: Argon2id turns it into an
// auth key (sent) and a key-encryption key (kept) that unwraps the private key bundle the server stores.
// Failures are typed: CryptoError for anything the server could have forged, ApiClientError for answers.
import { RECOVERY_KDF_PARAMS_HASH, unwrapPrivateBundle, wrapPrivateBundle } from '../../crypto/account-bundle.ts';
import { CryptoError } from '../../crypto/errors.ts';
import {
  generateIdentity, identityPublicKeys, signPublicBundle, type IdentityRole, type IdentitySecrets, type PublicKeyBundle,
} from '../../crypto/identity.ts';
import { assertKdfParamsAcceptable, deriveAccountKeys, kdfParamsHash, newKdfParams, type KdfParams } from '../../crypto/password.ts';
import { constantTimeEqual, initPrimitives } from '../../crypto/primitives.ts';
import { deriveRecoveryKeys, generateRecoveryKey, recoveryKeyToWords, type RecoveryLanguage } from '../../crypto/recovery-key.ts';
import { preLoginResponseSchema, signUpResponseSchema, type KdfParamsWire } from '../../shared/accounts.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { loginResponseSchema } from '../../shared/sessions.ts';
import { listVaultsResponseSchema } from '../../shared/vaults.ts';
import { ApiClientError, request, type ApiClient } from './api.ts';
import { assertPasswordAcceptable } from './password-policy.ts';
import { verifiedBundle } from './bundles.ts';

/** An account after log-in: its keys live only in this object, in memory. */
export interface UnlockedAccount {
  accountId: string;
  identity: IdentitySecrets;
  /** The account's own public bundle, verified and matching `identity`. */
  bundle: PublicKeyBundle;
  /** From the signed bundle: a practitioner may publish a directory profile and receive shares. */
  role: AccountRole;
  /**
   * The account's vault (one per account, made by the server at sign-up) — or, in the value actingAs()
   * returns, a record managed for someone else, with identity and bundle the record's.
   */
  vaultId: string;
}

/** What a person signs up as; 'vault' identities are never accounts. */
export type AccountRole = Exclude<IdentityRole, 'vault'>;

export interface SignUpResult {
  /** The 24 recovery words: show them once, never store them. */
  recoveryWords: string[];
}

/**
 * Creates the account: fresh KDF parameters, identity, signed public bundle, and the private bundle wrapped
 * under the password's key and under a new recovery key. The server answers 202 whether or not the id was
 * free (ATK-28), so success here does not prove the account is ours: the caller logs in next. The role
 * goes into the self-signed public bundle, so the server cannot turn a patient into a listed practitioner.
 */
export async function signUp(api: ApiClient, accountId: string, password: string, language: RecoveryLanguage = 'fr', role: AccountRole = 'patient'): Promise<SignUpResult> {
  await assertPasswordAcceptable(password, accountId);
  await initPrimitives();
  const kdf = newKdfParams();
  const keys = await deriveAccountKeys(password, kdf);
  const identity = generateIdentity();
  const publicBundle = signPublicBundle(identity, { accountId, role, createdAt: Date.now() });
  const bundle = { accountId, identity };
  const wrapped = wrapPrivateBundle(keys.keyEncryptionKey, { accountId, purpose: 'password', kdfParamsHash: kdfParamsHash(kdf) }, bundle);
  const recoveryKey = generateRecoveryKey();
  const recovery = deriveRecoveryKeys(recoveryKey, accountId);
  const recoveryWrapped = wrapPrivateBundle(recovery.kek, { accountId, purpose: 'recovery', kdfParamsHash: RECOVERY_KDF_PARAMS_HASH }, bundle);
  await request(api, 'POST', '/api/accounts', signUpResponseSchema, {
    json: {
      accountId,
      authKey: toBase64url(keys.authKey),
      kdf: kdfToWire(kdf),
      publicBundle: toBase64url(publicBundle),
      wrappedPrivateBundle: toBase64url(wrapped),
      recoveryWrappedPrivateBundle: toBase64url(recoveryWrapped),
      recoveryAuthKey: toBase64url(recovery.authKey),
    },
  });
  return { recoveryWords: recoveryKeyToWords(recoveryKey, language) };
}

/** How the session token comes back: in the body for api.token (CLI), or as an HttpOnly cookie (browser). */
export type TokenDelivery = 'bearer' | 'cookie';

/**
 * Logs in (a token already presented is revoked by the server) and unlocks the keys. With 'bearer' the token
 * is stored in api.token; with 'cookie' the browser keeps it where no script can read it (ATK-32). Order matters: the KDF parameters from pre-login are judged BEFORE hashing or sending
 * anything (ATK-25: KDF_PARAMS_TOO_WEAK / _TOO_COSTLY); a bundle that does not open is the single
 * KEY_BUNDLE_INVALID (ATK-01); the own public bundle must verify and match the unwrapped seeds.
 */
export async function logIn(api: ApiClient, accountId: string, password: string, tokenDelivery: TokenDelivery = 'bearer'): Promise<UnlockedAccount> {
  await initPrimitives();
  const pre = await request(api, 'POST', '/api/accounts/pre-login', preLoginResponseSchema, { json: { accountId } });
  const kdf = kdfFromWire(pre.kdf);
  assertKdfParamsAcceptable(kdf);
  const keys = await deriveAccountKeys(password, kdf);
  const answer = await request(api, 'POST', '/api/sessions', loginResponseSchema, {
    json: { accountId, authKey: toBase64url(keys.authKey), tokenDelivery },
  });
  if (tokenDelivery === 'bearer') {
    if (answer.session.token === undefined) throw new ApiClientError('BAD_RESPONSE', 200);
    api.token = answer.session.token;
  } else if (answer.session.token !== undefined) {
    throw new ApiClientError('BAD_RESPONSE', 200);
  }
  const context = { accountId, purpose: 'password' as const, kdfParamsHash: kdfParamsHash(kdf) };
  try {
    const { identity } = unwrapPrivateBundle(keys.keyEncryptionKey, context, fromBase64url(answer.account.wrappedPrivateBundle));
    const bundle = verifyOwnBundle(fromBase64url(answer.account.publicBundle), accountId, identity);
    if (bundle.role === 'vault') throw new CryptoError('KEY_BUNDLE_INVALID');
    return { accountId, identity, bundle, role: bundle.role, vaultId: await ownVaultId(api) };
  } catch (error) {
    // A bundle that does not open (ATK-01) leaves no usable session behind in this client: nothing more is
    // sent with it, and the server ends it at its idle expiry.
    api.token = undefined;
    throw error;
  }
}

/** Ends the session on the server and forgets the token. */
export async function logOut(api: ApiClient): Promise<void> {
  await request(api, 'DELETE', '/api/sessions/current', null);
  api.token = undefined;
}

/** The own bundle must be self-signed, name this account and hold exactly the keys of the unwrapped seeds. */
export function verifyOwnBundle(bytes: Uint8Array, accountId: string, identity: IdentitySecrets): PublicKeyBundle {
  const bundle = verifiedBundle(bytes);
  const keys = identityPublicKeys(identity);
  const same = bundle.accountId === accountId
    && constantTimeEqual(bundle.signingPublicKey, keys.signingPublicKey)
    && constantTimeEqual(bundle.encryptionPublicKey, keys.encryptionPublicKey);
  if (!same) throw new CryptoError('KEY_BUNDLE_INVALID');
  return bundle;
}

async function ownVaultId(api: ApiClient): Promise<string> {
  const { vaults } = await request(api, 'GET', '/api/vaults', listVaultsResponseSchema);
  // Each account owns exactly one personal vault; records managed for others (role 'manager') come after it.
  const vault = vaults.find((entry) => entry.role === 'owner');
  if (vault === undefined) throw new CryptoError('RECORD_MISSING');
  return vault.vaultId;
}

export function kdfToWire(params: KdfParams): KdfParamsWire {
  return { ...params, salt: toBase64url(params.salt) };
}

export function kdfFromWire(wire: KdfParamsWire): KdfParams {
  return { ...wire, salt: fromBase64url(wire.salt) };
}
