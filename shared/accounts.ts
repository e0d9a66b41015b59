// Accounts: the server never sees a password. It stores a hash of the auth key (derived from the password
// on the client, crypto/password.ts), the KDF parameters, the public key bundle and the private bundle
// wrapped twice (under the password's key-encryption key and under the recovery key).
import { z } from 'zod';
import { bytesField, fixedBytesField } from './binary.ts';
import { accountIdSchema, timestampSchema } from './ids.ts';

export const AUTH_KEY_BYTES = 32;
export const KDF_SALT_BYTES = 16;
export const MAX_PUBLIC_BUNDLE_BYTES = 8192;
export const MAX_WRAPPED_BUNDLE_BYTES = 4096;

/** Shape only; the values are judged by crypto/password.ts assertKdfParamsAcceptable on both sides. */
export const kdfParamsSchema = z.strictObject({
  algorithm: z.literal('argon2id13'),
  memoryKiB: z.number().int().positive().max(0xffffffff),
  iterations: z.number().int().positive().max(0xffffffff),
  parallelism: z.number().int().positive().max(0xff),
  salt: fixedBytesField(KDF_SALT_BYTES),
});

const authKey = fixedBytesField(AUTH_KEY_BYTES);
const wrappedBundle = bytesField(MAX_WRAPPED_BUNDLE_BYTES, 1);
const publicBundle = bytesField(MAX_PUBLIC_BUNDLE_BYTES, 1);

/** POST /api/accounts/pre-login: the same shape and status for every id, known or not (ATK-28). */
export const preLoginRequestSchema = z.strictObject({ accountId: accountIdSchema });
export const preLoginResponseSchema = z.strictObject({ kdf: kdfParamsSchema });

/** POST /api/accounts: 202 { status: 'accepted' } whether the id was free or not (ATK-28). */
export const signUpRequestSchema = z.strictObject({
  accountId: accountIdSchema,
  authKey,
  kdf: kdfParamsSchema,
  publicBundle,
  wrappedPrivateBundle: wrappedBundle,
  recoveryWrappedPrivateBundle: wrappedBundle,
  recoveryAuthKey: authKey,
});
export const signUpResponseSchema = z.strictObject({ status: z.literal('accepted') });

/** GET /api/accounts/me. */
export const accountResponseSchema = z.strictObject({
  accountId: accountIdSchema,
  publicBundle,
  createdAt: timestampSchema,
});

/** PUT /api/accounts/me/password (session + current auth key): 204; every other session is revoked. */
export const changePasswordRequestSchema = z.strictObject({
  currentAuthKey: authKey,
  authKey,
  kdf: kdfParamsSchema,
  wrappedPrivateBundle: wrappedBundle,
});

/** POST /api/accounts/recovery: the recovery-wrapped bundle, for the holder of the recovery auth key. */
export const recoveryStartRequestSchema = z.strictObject({ accountId: accountIdSchema, recoveryAuthKey: authKey });
export const recoveryStartResponseSchema = z.strictObject({
  publicBundle,
  recoveryWrappedPrivateBundle: wrappedBundle,
});

/** POST /api/accounts/recovery/reset: new password material; 204; every session is revoked. */
export const recoveryResetRequestSchema = z.strictObject({
  accountId: accountIdSchema,
  recoveryAuthKey: authKey,
  authKey,
  kdf: kdfParamsSchema,
  wrappedPrivateBundle: wrappedBundle,
});

/** DELETE /api/accounts/me (session + auth key): 204; the account, its vaults, documents and blobs go. */
export const deleteAccountRequestSchema = z.strictObject({ authKey });

export type KdfParamsWire = z.infer<typeof kdfParamsSchema>;
export type PreLoginRequest = z.infer<typeof preLoginRequestSchema>;
export type PreLoginResponse = z.infer<typeof preLoginResponseSchema>;
export type SignUpRequest = z.infer<typeof signUpRequestSchema>;
export type SignUpResponse = z.infer<typeof signUpResponseSchema>;
export type AccountResponse = z.infer<typeof accountResponseSchema>;
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;
export type RecoveryStartRequest = z.infer<typeof recoveryStartRequestSchema>;
export type RecoveryStartResponse = z.infer<typeof recoveryStartResponseSchema>;
export type RecoveryResetRequest = z.infer<typeof recoveryResetRequestSchema>;
export type DeleteAccountRequest = z.infer<typeof deleteAccountRequestSchema>;
