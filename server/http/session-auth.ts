// Authentication of API requests: `Authorization: Bearer <token>` (command-line client) or the
// `__Host-session` cookie (browser). An unknown, expired or malformed token is UNAUTHENTICATED.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { fromBase64url } from '../../shared/binary.ts';
import { sessionTokenSchema } from '../../shared/sessions.ts';
import { ApiError } from '../http-error.ts';
import { resolveSession } from '../services/sessions.ts';
import type { AppEnv } from './env.ts';

/** Name without its prefix: Hono adds `__Host-` and enforces Secure and Path=/ for it. */
const COOKIE_NAME = 'session';

/** The token the request presents, with where it came from; null if none or malformed. */
export function presentedToken(c: Context): { token: Uint8Array; viaCookie: boolean } | null {
  const header = c.req.header('authorization');
  const bearer = header?.startsWith('Bearer ') === true ? header.slice(7) : undefined;
  const text = bearer ?? getCookie(c, COOKIE_NAME, 'host');
  if (text === undefined || !sessionTokenSchema.safeParse(text).success) return null;
  return { token: fromBase64url(text), viaCookie: bearer === undefined };
}

export const requireSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  const presented = presentedToken(c);
  const session = presented === null ? null : await resolveSession(c.var.deps, presented.token);
  if (presented === null || session === null) {
    if (getCookie(c, COOKIE_NAME, 'host') !== undefined) clearSessionCookie(c);
    throw new ApiError('UNAUTHENTICATED');
  }
  c.set('session', { ...session, viaCookie: presented.viaCookie });
  await next();
};

export function setSessionCookie(c: Context, token: string, maxAgeSeconds: number): void {
  setCookie(c, COOKIE_NAME, token, { prefix: 'host', secure: true, httpOnly: true, sameSite: 'Strict', path: '/', maxAge: maxAgeSeconds });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, COOKIE_NAME, { prefix: 'host', secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
}
