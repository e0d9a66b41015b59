// ATK-34 (server side): the API writes nothing to the console while it serves a whole account's life,
// so no body, id, key or token can reach the logs; an unexpected error is reported by class only
// (server/main.ts), which app.test.ts checks.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { call, newAccount, randomB64, startServer, uploadDocument, type TestServer } from './harness.ts';

let server: TestServer;
const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.close();
  vi.restoreAllMocks();
});

describe('logs', () => {
  it('ATK-34 the API prints nothing during sign-up, upload, reads, bad input, deletion', async () => {
    const spies = methods.map((method) => vi.spyOn(console, method).mockImplementation(() => undefined));
    const alice = await newAccount(server, 'canary-patient@example.test');
    const documentId = await uploadDocument(server, alice, { payload: new TextEncoder().encode('CANARY-PAYLOAD') });
    await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}`, { token: alice.token });
    await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}/versions/1/payload`, { token: alice.token });
    await call(server, 'POST', '/api/accounts', { body: '{"accountId": "CANARY', headers: { 'content-type': 'application/json' } });
    await call(server, 'POST', '/api/sessions', { json: { accountId: alice.accountId, authKey: randomB64(32), tokenDelivery: 'bearer' } });
    await call(server, 'DELETE', '/api/accounts/me', { token: alice.token, json: { authKey: alice.authKey } });
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});
