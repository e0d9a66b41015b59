// Account life after sign-up: recover with the 24 recovery words, change the password, delete the account.
// The same identity is kept across a recovery or a password change (documents stay readable); only its
// wrap under the password's key changes. Nothing is sent that the server could use to learn a password.
import { unwrapPrivateBundle, wrapPrivateBundle, RECOVERY_KDF_PARAMS_HASH, type PrivateKeyBundle } from '../../crypto/account-bundle.ts';
import { assertKdfParamsAcceptable, deriveAccountKeys, kdfParamsHash, newKdfParams, type AccountKeys } from '../../crypto/password.ts';
import { initPrimitives } from '../../crypto/primitives.ts';
import { deriveRecoveryKeys, parseRecoveryWords } from '../../crypto/recovery-key.ts';
import { preLoginResponseSchema, recoveryStartResponseSchema } from '../../shared/accounts.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { kdfFromWire, kdfToWire, verifyOwnBundle, type UnlockedAccount } from './account.ts';
import { request, type ApiClient } from './api.ts';
import { assertPasswordAcceptable } from './password-policy.ts';

/**
 * Sets a new password with the recovery words. Order matters: the words are checked (RECOVERY_PHRASE_INVALID)
 * before any request; the bundle the server returns must open under the recovery key with this account's
 * AAD and match the own signed public bundle (else KEY_BUNDLE_INVALID, ATK-01/ATK-24) before the reset is
 * sent, so a server cannot make us wrap keys it chose. Every session is revoked: the caller logs in next.
 */
export async function recoverAccount(api: ApiClient, accountId: string, words: string, newPassword: string): Promise<void> {
  const recoveryKey = parseRecoveryWords(words);
  await assertPasswordAcceptable(newPassword, accountId);
  await initPrimitives();
  const recovery = deriveRecoveryKeys(recoveryKey, accountId);
  recoveryKey.fill(0);
  const recoveryAuthKey = toBase64url(recovery.authKey);
  const answer = await request(api, 'POST', '/api/accounts/recovery', recoveryStartResponseSchema, { json: { accountId, recoveryAuthKey } });
  const context = { accountId, purpose: 'recovery' as const, kdfParamsHash: RECOVERY_KDF_PARAMS_HASH };
  const bundle = unwrapPrivateBundle(recovery.kek, context, fromBase64url(answer.recoveryWrappedPrivateBundle));
  recovery.kek.fill(0);
  verifyOwnBundle(fromBase64url(answer.publicBundle), accountId, bundle.identity);
  const material = await passwordMaterial(bundle, newPassword);
  await request(api, 'POST', '/api/accounts/recovery/reset', null, { json: { accountId, recoveryAuthKey, ...material } });
}

/**
 * Replaces the password of the logged-in account. The current auth key is re-derived from the parameters
 * pre-login gives (judged first, ATK-25); the server revokes every other session and keeps this one.
 */
export async function changePassword(api: ApiClient, account: UnlockedAccount, currentPassword: string, newPassword: string): Promise<void> {
  await assertPasswordAcceptable(newPassword, account.accountId);
  const current = await currentKeys(api, account.accountId, currentPassword);
  const material = await passwordMaterial({ accountId: account.accountId, identity: account.identity }, newPassword);
  await request(api, 'PUT', '/api/accounts/me/password', null, { json: { currentAuthKey: toBase64url(current.authKey), ...material } });
}

/** Deletes the logged-in account for good: the server removes its vault, documents and blobs. */
export async function deleteAccount(api: ApiClient, accountId: string, password: string): Promise<void> {
  const keys = await currentKeys(api, accountId, password);
  await request(api, 'DELETE', '/api/accounts/me', null, { json: { authKey: toBase64url(keys.authKey) } });
  api.token = undefined;
}

/** The keys of `password` under the account's current KDF parameters, refused if too weak or costly. */
async function currentKeys(api: ApiClient, accountId: string, password: string): Promise<AccountKeys> {
  await initPrimitives();
  const pre = await request(api, 'POST', '/api/accounts/pre-login', preLoginResponseSchema, { json: { accountId } });
  const kdf = kdfFromWire(pre.kdf);
  assertKdfParamsAcceptable(kdf);
  return deriveAccountKeys(password, kdf);
}

/** Fresh KDF parameters, the new auth key and the same identity wrapped under the new password's key. */
async function passwordMaterial(bundle: PrivateKeyBundle, password: string) {
  const kdf = newKdfParams();
  const keys = await deriveAccountKeys(password, kdf);
  const context = { accountId: bundle.accountId, purpose: 'password' as const, kdfParamsHash: kdfParamsHash(kdf) };
  const wrapped = wrapPrivateBundle(keys.keyEncryptionKey, context, bundle);
  keys.keyEncryptionKey.fill(0);
  return { authKey: toBase64url(keys.authKey), kdf: kdfToWire(kdf), wrappedPrivateBundle: toBase64url(wrapped) };
}
