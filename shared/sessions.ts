// Sessions: a 256-bit random token, stored hashed by the server. The browser gets it only as an HttpOnly
// `__Host-session` cookie (never in a body script can read, ATK-31/32); the command-line client asks for
// it in the body and sends it back as `Authorization: Bearer`.
import { z } from 'zod';
import { kdfParamsSchema, AUTH_KEY_BYTES, MAX_PUBLIC_BUNDLE_BYTES, MAX_WRAPPED_BUNDLE_BYTES } from './accounts.ts';
import { bytesField, fixedBytesField } from './binary.ts';
import { accountIdSchema, timestampSchema } from './ids.ts';

export const SESSION_COOKIE = '__Host-session';
export const SESSION_TOKEN_BYTES = 32;

export const sessionTokenSchema = fixedBytesField(SESSION_TOKEN_BYTES);

/** POST /api/sessions (log in). A session cookie sent along is revoked: a login always rotates. */
export const loginRequestSchema = z.strictObject({
  accountId: accountIdSchema,
  authKey: fixedBytesField(AUTH_KEY_BYTES),
  tokenDelivery: z.enum(['cookie', 'bearer']),
});

export const sessionInfoSchema = z.strictObject({
  accountId: accountIdSchema,
  /** Absolute end of the session. */
  expiresAt: timestampSchema,
  /** End of the session if it stays unused. */
  idleExpiresAt: timestampSchema,
});

export const loginResponseSchema = z.strictObject({
  session: sessionInfoSchema.extend({ token: sessionTokenSchema.optional() }),
  account: z.strictObject({
    kdf: kdfParamsSchema,
    publicBundle: bytesField(MAX_PUBLIC_BUNDLE_BYTES, 1),
    wrappedPrivateBundle: bytesField(MAX_WRAPPED_BUNDLE_BYTES, 1),
  }),
});

export type LoginRequest = z.infer<typeof loginRequestSchema>;
export type LoginResponse = z.infer<typeof loginResponseSchema>;
export type SessionInfo = z.infer<typeof sessionInfoSchema>;
