// CSRF defence for state-changing requests (ATK-31), besides the SameSite=Strict cookie. A browser
// request (it carries Sec-Fetch-Site, Origin, or our cookie) must come from our own origin:
// Sec-Fetch-Site must be same-origin, Origin must equal the public origin, and a cookie with neither
// header is refused. A request with none of the three is not from a browser (the command-line client
// with a bearer token), and a forged cross-site request cannot produce it.
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { ApiError } from '../http-error.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function originCheck(publicOrigin?: string): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    const expected = publicOrigin ?? new URL(c.req.url).origin;
    const fromBrowser = site !== undefined || origin !== undefined || getCookie(c, 'session', 'host') !== undefined;
    if (fromBrowser) {
      if (site !== undefined && site !== 'same-origin') throw new ApiError('FORBIDDEN_ORIGIN');
      if (origin === undefined ? site === undefined : origin !== expected) throw new ApiError('FORBIDDEN_ORIGIN');
    }
    return next();
  };
}
