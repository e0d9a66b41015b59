// The app as production builds it, exercised through app.request (no socket).
import { describe, expect, it } from 'vitest';
import { apiErrorBodySchema } from '../../shared/errors.ts';
import { healthResponseSchema } from '../../shared/health.ts';
import { createApp } from '../../server/app.ts';
import { ConfigError, parseEnv } from '../../server/env.ts';

describe('createApp', () => {
  const app = createApp();

  it('answers the health route with a body matching its shared schema', async () => {
    const response = await app.request('/api/health');
    expect(response.status).toBe(200);
    expect(healthResponseSchema.parse(await response.json()).formats.document).toBe(1);
  });

  it('answers an unknown API route with 404 and the stable NOT_FOUND code', async () => {
    const response = await app.request('/api/does-not-exist', { method: 'POST', body: '{' });
    expect(response.status).toBe(404);
    expect(apiErrorBodySchema.parse(await response.json())).toEqual({ error: { code: 'NOT_FOUND' } });
  });

  it('ATK-29 sends a CSP without inline script or eval, and forbids framing', async () => {
    const response = await app.request('/api/health');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("'unsafe-inline'");
    expect(csp).not.toMatch(/'unsafe-eval'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('sends HSTS only when told the server is reached over HTTPS', async () => {
    expect((await app.request('/api/health')).headers.get('strict-transport-security')).toBeNull();
    const behindTls = createApp({ hsts: true });
    expect((await behindTls.request('/api/health')).headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('maps an unexpected error to INTERNAL without its message, and reports it', async () => {
    const reported: unknown[] = [];
    const failing = createApp({ reportError: (error) => reported.push(error) });
    failing.get('/boom', () => {
      throw new Error('secret détail du patient');
    });
    const response = await failing.request('/boom');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL' } });
    expect(reported).toHaveLength(1);
  });
});

describe('parseEnv', () => {
  it('applies defaults', () => {
    expect(parseEnv({})).toMatchObject({ HOST: '127.0.0.1', PORT: 3000, DATA_DIR: './data' });
  });

  it('takes a PostgreSQL URL only with SERVER_SECRET, and never anything else as DATABASE_URL', () => {
    const url = 'postgres://vault:pw@db.example/vault';
    expect(() => parseEnv({ DATABASE_URL: url })).toThrow(/SERVER_SECRET is required with DATABASE_URL/);
    expect(parseEnv({ DATABASE_URL: url, SERVER_SECRET: 'a'.repeat(43) })).toMatchObject({ DATABASE_URL: url });
    expect(() => parseEnv({ DATABASE_URL: 'mysql://vault@db.example/vault', SERVER_SECRET: 'a'.repeat(43) })).toThrow(/DATABASE_URL/);
  });

  it('refuses a bad port and names only the field', () => {
    expect(() => parseEnv({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => parseEnv({ PORT: '70000' })).toThrow(/PORT/);
  });
});
