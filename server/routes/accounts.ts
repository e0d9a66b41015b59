// /api/accounts: pre-login, sign-up, the caller's account, password change, recovery, deletion, and a
// practitioner's directory profile.
// Thin: validation here, rules in services/accounts.ts.
import { Hono } from 'hono';
import {
  changePasswordRequestSchema, deleteAccountRequestSchema, preLoginRequestSchema, recoveryResetRequestSchema,
  recoveryStartRequestSchema, signUpRequestSchema,
  type AccountResponse, type PreLoginResponse, type RecoveryStartResponse, type SignUpResponse,
} from '../../shared/accounts.ts';
import { toBase64url } from '../../shared/binary.ts';
import { putPractitionerProfileRequestSchema } from '../../shared/practitioners.ts';
import { ApiError } from '../http-error.ts';
import type { AppEnv } from '../http/env.ts';
import { clearSessionCookie, requireSession } from '../http/session-auth.ts';
import { limitBody, SMALL_BODY_BYTES, valid } from '../http/validation.ts';
import { deleteAccount } from '../services/account-deletion.ts';
import { authenticate, findAccount, preLogin, replacePasswordMaterial, signUp } from '../services/accounts.ts';
import { putPractitionerProfile } from '../services/practitioners.ts';
import { revokeOtherSessions } from '../services/sessions.ts';

const small = limitBody(SMALL_BODY_BYTES);

export const accountRoutes = new Hono<AppEnv>()
  .post('/pre-login', small, valid('json', preLoginRequestSchema), async (c) => {
    const kdf = await preLogin(c.var.deps, c.req.valid('json').accountId);
    return c.json({ kdf } satisfies PreLoginResponse, 200);
  })
  .post('/', small, valid('json', signUpRequestSchema), async (c) => {
    await signUp(c.var.deps, c.req.valid('json'), c.var.address);
    return c.json({ status: 'accepted' } satisfies SignUpResponse, 202);
  })
  .post('/recovery', small, valid('json', recoveryStartRequestSchema), async (c) => {
    const { accountId, recoveryAuthKey } = c.req.valid('json');
    const row = await authenticate(c.var.deps, accountId, 'recovery', recoveryAuthKey, c.var.address);
    const body: RecoveryStartResponse = { publicBundle: toBase64url(row.publicBundle), recoveryWrappedPrivateBundle: toBase64url(row.recoveryWrappedPrivateBundle) };
    return c.json(body, 200);
  })
  .post('/recovery/reset', small, valid('json', recoveryResetRequestSchema), async (c) => {
    const request = c.req.valid('json');
    const row = await authenticate(c.var.deps, request.accountId, 'recovery', request.recoveryAuthKey, c.var.address);
    await replacePasswordMaterial(c.var.deps, row, request);
    await revokeOtherSessions(c.var.deps, row.id);
    return c.body(null, 204);
  })
  .get('/me', requireSession, async (c) => {
    const row = await findAccount(c.var.deps, c.var.session.accountId);
    if (row === null) throw new ApiError('UNAUTHENTICATED');
    return c.json({ accountId: row.id, publicBundle: toBase64url(row.publicBundle), createdAt: row.createdAt } satisfies AccountResponse, 200);
  })
  .put('/me/password', small, requireSession, valid('json', changePasswordRequestSchema), async (c) => {
    const request = c.req.valid('json');
    const { session } = c.var;
    const row = await authenticate(c.var.deps, session.accountId, 'auth', request.currentAuthKey, c.var.address);
    await replacePasswordMaterial(c.var.deps, row, request);
    await revokeOtherSessions(c.var.deps, row.id, session.tokenHash);
    return c.body(null, 204);
  })
  .put('/me/practitioner-profile', small, requireSession, valid('json', putPractitionerProfileRequestSchema), async (c) => {
    await putPractitionerProfile(c.var.deps, c.var.session.accountId, c.req.valid('json'));
    return c.body(null, 204);
  })
  .delete('/me', small, requireSession, valid('json', deleteAccountRequestSchema), async (c) => {
    const { session } = c.var;
    await authenticate(c.var.deps, session.accountId, 'auth', c.req.valid('json').authKey, c.var.address);
    await deleteAccount(c.var.deps, session.accountId);
    if (session.viaCookie) clearSessionCookie(c);
    return c.body(null, 204);
  });
