// /api/sessions: log in (always a new token: rotation, and a session the request already carried is
// revoked, against fixation), the current session, log out.
import { Hono } from 'hono';
import { toBase64url } from '../../shared/binary.ts';
import { loginRequestSchema, type LoginResponse, type SessionInfo } from '../../shared/sessions.ts';
import type { AppEnv } from '../http/env.ts';
import { clearSessionCookie, presentedToken, requireSession, setSessionCookie } from '../http/session-auth.ts';
import { limitBody, SMALL_BODY_BYTES, valid } from '../http/validation.ts';
import { accountMaterial, authenticate } from '../services/accounts.ts';
import { createSession, hashToken, revokeSession } from '../services/sessions.ts';

export const sessionRoutes = new Hono<AppEnv>()
  .post('/', limitBody(SMALL_BODY_BYTES), valid('json', loginRequestSchema), async (c) => {
    const { accountId, authKey, tokenDelivery } = c.req.valid('json');
    const { deps } = c.var;
    const row = await authenticate(deps, accountId, 'auth', authKey, c.var.address);
    const previous = presentedToken(c);
    if (previous !== null) await revokeSession(deps, hashToken(previous.token));
    const { token, info } = await createSession(deps, row.id);
    const encoded = toBase64url(token);
    if (tokenDelivery === 'cookie') setSessionCookie(c, encoded, Math.floor(deps.policy.sessionAbsoluteMs / 1000));
    const body: LoginResponse = {
      session: tokenDelivery === 'bearer' ? { ...info, token: encoded } : info,
      account: accountMaterial(row),
    };
    return c.json(body, 200);
  })
  .get('/current', requireSession, (c) => c.json(c.var.session.info satisfies SessionInfo, 200))
  .delete('/current', requireSession, async (c) => {
    await revokeSession(c.var.deps, c.var.session.tokenHash);
    if (c.var.session.viaCookie) clearSessionCookie(c);
    return c.body(null, 204);
  });
