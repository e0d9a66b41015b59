// client/core logging in the way the web app's Worker does: the session as an HttpOnly __Host- cookie
// that no script reads (ATK-32), sent back by the browser on each same-origin request. A small cookie jar
// plays the browser here, with the Origin header a browser adds (ATK-31).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, logOut, signUp } from '../../client/core/account.ts';
import { createApiClient, isApiClientError, type ApiClient } from '../../client/core/api.ts';
import { listDocuments } from '../../client/core/documents.ts';
import { ORIGIN, startServer, type TestServer } from './harness.ts';

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let jar: string | undefined;
const bodies: string[] = [];

/** A fetch into the app that stores the session cookie and sends it back, as a browser would. */
function browserLike(rewrite: (path: string, response: Response) => Response | Promise<Response> = (_path, response) => response): ApiClient {
  return createApiClient(ORIGIN, {
    fetch: async (url, init) => {
      const headers = new Headers(init.headers);
      headers.set('origin', ORIGIN);
      headers.set('sec-fetch-site', 'same-origin');
      if (jar !== undefined) headers.set('cookie', jar);
      const response = await server.app.request(url, { ...init, headers });
      const setCookie = response.headers.get('set-cookie');
      if (setCookie !== null) jar = /Max-Age=0/i.test(setCookie) ? undefined : setCookie.split(';')[0];
      bodies.push(await response.clone().text());
      return rewrite(new URL(url).pathname, response);
    },
  });
}

beforeAll(async () => {
  server = await startServer();
  await signUp(browserLike(), 'carol@example.org', PASSWORD);
}, 60_000);

afterAll(async () => {
  await server.close();
});

describe('client core with cookie delivery', () => {
  it('ATK-32 logs in with an HttpOnly cookie and no token in any body or in api.token', async () => {
    const api = browserLike();
    const account = await logIn(api, 'carol@example.org', PASSWORD, 'cookie');
    expect(api.token).toBeUndefined();
    expect(jar).toMatch(/^__Host-session=[A-Za-z0-9_-]{43}$/);
    const token = jar?.split('=')[1] ?? '';
    expect(bodies.some((body) => body.includes(token))).toBe(false);
    expect(await listDocuments(api, account, {})).toEqual([]);
  }, 30_000);

  it('refuses a login answer that carries a token when a cookie was asked for (BAD_RESPONSE)', async () => {
    const api = browserLike(async (path, response) => {
      if (path !== '/api/sessions') return response;
      const body = (await response.json()) as { session: Record<string, unknown> };
      body.session.token = 'A'.repeat(43);
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const refused = await logIn(api, 'carol@example.org', PASSWORD, 'cookie').catch((error: unknown) => error);
    expect(isApiClientError(refused, 'BAD_RESPONSE')).toBe(true);
    expect(api.token).toBeUndefined();
  }, 30_000);

  it('logs out: the cookie is cleared and the session no longer opens the vault', async () => {
    const api = browserLike();
    const account = await logIn(api, 'carol@example.org', PASSWORD, 'cookie');
    const before = jar;
    await logOut(api);
    expect(jar).toBeUndefined();
    jar = before;
    const refused = await listDocuments(api, account, {}).catch((error: unknown) => error);
    expect(isApiClientError(refused, 'UNAUTHENTICATED')).toBe(true);
  }, 30_000);
});
