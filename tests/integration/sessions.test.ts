// Sessions: hashed tokens, idle and absolute expiry on an injected clock, rotation on login, logout, the
// __Host- cookie, and the Origin / Sec-Fetch-Site checks on state-changing requests (ATK-31).
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginResponseSchema, sessionInfoSchema } from '../../shared/sessions.ts';
import { SESSION_TOUCH_INTERVAL_MS } from '../../server/services/sessions.ts';
import { call, errorCode, newAccount, ORIGIN, START, startServer, type TestAccount, type TestServer } from './harness.ts';
import { countRows } from './stored-rows.ts';

let server: TestServer;
let alice: TestAccount;
const MINUTE = 60_000;

beforeEach(async () => {
  server = await startServer();
  alice = await newAccount(server, 'alice@example.test');
});
afterEach(() => server.close());

const sessionCount = () => countRows(server.state.storage, server.state.storage.tables.sessions);

const current = (options: { token?: string; cookie?: string }) => call(server, 'GET', '/api/sessions/current', options);

/** Logs in from a same-origin browser page; returns the Set-Cookie header and the token it carries. */
async function browserLogin(cookie?: string): Promise<{ setCookie: string; token: string; body: unknown }> {
  const response = await call(server, 'POST', '/api/sessions', {
    json: { accountId: alice.accountId, authKey: alice.authKey, tokenDelivery: 'cookie' },
    headers: { origin: ORIGIN, 'sec-fetch-site': 'same-origin' },
    ...(cookie === undefined ? {} : { cookie }),
  });
  expect(response.status).toBe(200);
  const setCookie = response.headers.get('set-cookie') ?? '';
  const token = /__Host-session=([^;]*)/.exec(setCookie)?.[1] ?? '';
  return { setCookie, token, body: await response.json() };
}

describe('tokens', () => {
  it('stores only SHA-256 of the token', async () => {
    const { read, tables: { sessions } } = server.state.storage;
    const rows = await read.select({ tokenHash: sessions.tokenHash }).from(sessions);
    const hash = createHash('sha256').update(Buffer.from(alice.token, 'base64url')).digest();
    expect(rows.some((row) => row.tokenHash.equals(hash))).toBe(true);
    expect(rows.some((row) => row.tokenHash.equals(Buffer.from(alice.token, 'base64url')))).toBe(false);
  });

  it('refuses a missing, malformed or unknown token with 401 UNAUTHENTICATED', async () => {
    for (const token of [undefined, 'abc', 'A'.repeat(43)]) {
      const response = await current(token === undefined ? {} : { token });
      expect(response.status).toBe(401);
      expect(await errorCode(response)).toBe('UNAUTHENTICATED');
    }
  });
});

describe('expiry', () => {
  it('ends a session left idle for 30 minutes; use restarts the idle clock', async () => {
    server.clock.now = START + 29 * MINUTE;
    const info = sessionInfoSchema.parse(await (await current({ token: alice.token })).json());
    expect(info.idleExpiresAt).toBe(START + 59 * MINUTE);
    server.clock.now = START + 58 * MINUTE;
    expect((await current({ token: alice.token })).status).toBe(200);
    server.clock.now = START + 88 * MINUTE;
    expect((await current({ token: alice.token })).status).toBe(401);
    expect(await sessionCount()).toBe(0);
  });

  it('writes the last use at most once a minute, so a busy session costs no disk write per request', async () => {
    const token = alice.token;
    const { read, tables: { sessions } } = server.state.storage;
    const tokenHash = createHash('sha256').update(Buffer.from(token, 'base64url')).digest();
    const lastUsed = async () => (await read.select({ at: sessions.lastUsedAt }).from(sessions).where(eq(sessions.tokenHash, tokenHash)))[0]?.at;
    const loggedInAt = server.clock.now;
    server.clock.now = loggedInAt + SESSION_TOUCH_INTERVAL_MS - 1;
    const early = sessionInfoSchema.parse(await (await current({ token })).json());
    expect(await lastUsed()).toBe(loggedInAt);
    expect(early.idleExpiresAt).toBe(loggedInAt + 30 * MINUTE);
    server.clock.now = loggedInAt + SESSION_TOUCH_INTERVAL_MS;
    const later = sessionInfoSchema.parse(await (await current({ token })).json());
    expect(await lastUsed()).toBe(server.clock.now);
    expect(later.idleExpiresAt).toBe(server.clock.now + 30 * MINUTE);
  });

  it('purges expired sessions from the database at start-up', async () => {
    await server.close(true);
    server = await startServer({}, server.dataDir, START + 31 * MINUTE);
    expect(await sessionCount()).toBe(0);
  });

  it('ends a session 12 hours after login however busy it is', async () => {
    for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
      server.clock.now = START + minutes * MINUTE;
      expect((await current({ token: alice.token })).status).toBe(200);
    }
    server.clock.now = START + 12 * 60 * MINUTE;
    expect((await current({ token: alice.token })).status).toBe(401);
  });
});

describe('rotation and logout', () => {
  it('ATK-31 gives a new token at every login and revokes the one the request carried (no fixation)', async () => {
    const first = await browserLogin();
    const second = await browserLogin(first.token);
    expect(second.token).not.toBe(first.token);
    expect((await current({ cookie: first.token })).status).toBe(401);
    expect((await current({ cookie: second.token })).status).toBe(200);
  });

  it('ATK-31 sets a __Host- cookie: Secure, HttpOnly, SameSite=Strict, Path=/, and no token in the body', async () => {
    const { setCookie, token, body } = await browserLogin();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/Domain=/i);
    expect(loginResponseSchema.parse(body).session.token).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain(token);
  });

  it('logs out: the token is revoked and the cookie cleared', async () => {
    const { token } = await browserLogin();
    const response = await call(server, 'DELETE', '/api/sessions/current', { cookie: token, headers: { origin: ORIGIN, 'sec-fetch-site': 'same-origin' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('set-cookie')).toMatch(/__Host-session=;.*Max-Age=0/);
    expect((await current({ cookie: token })).status).toBe(401);
    expect((await call(server, 'DELETE', '/api/sessions/current', { token: alice.token })).status).toBe(204);
    expect((await current({ token: alice.token })).status).toBe(401);
  });
});

describe('ATK-31 origin checks on state-changing requests', () => {
  const logout = (cookie: string, headers: Record<string, string>) => call(server, 'DELETE', '/api/sessions/current', { cookie, headers });

  it('ATK-31 refuses a cross-site request carrying the cookie (403 FORBIDDEN_ORIGIN) and leaves the session alive', async () => {
    const { token } = await browserLogin();
    const attempts: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site', origin: 'http://sub.localhost' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'none' },
      {},
    ];
    for (const headers of attempts) {
      const response = await logout(token, headers);
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe('FORBIDDEN_ORIGIN');
    }
    expect((await current({ cookie: token })).status).toBe(200);
  });

  it('ATK-31 refuses a cross-site login (login CSRF) before looking at the credentials', async () => {
    const response = await call(server, 'POST', '/api/sessions', {
      json: { accountId: alice.accountId, authKey: alice.authKey, tokenDelivery: 'cookie' },
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('ATK-31 accepts same-origin browser requests, and non-browser bearer requests without those headers', async () => {
    const { token } = await browserLogin();
    expect((await logout(token, { origin: ORIGIN })).status).toBe(204);
    expect((await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads`, { token: alice.token, json: { size: 1 } })).status).toBe(201);
  });

  it('ATK-31 checks the configured public origin when the server sits behind a proxy', async () => {
    await server.close();
    server = await startServer({ publicOrigin: 'https://coffre.example' });
    alice = await newAccount(server, 'alice@example.test');
    const body = { accountId: alice.accountId, authKey: alice.authKey, tokenDelivery: 'cookie' };
    expect((await call(server, 'POST', '/api/sessions', { json: body, headers: { origin: ORIGIN } })).status).toBe(403);
    expect((await call(server, 'POST', '/api/sessions', { json: body, headers: { origin: 'https://coffre.example' } })).status).toBe(200);
  });
});
