// Wrong keys sent all at once for one account: the lock check and the count happen in one transaction, so
// no more guesses are tried than the policy allows, however many are in flight (on either engine).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../server/services/deps.ts';
import { call, errorCode, newAccount, randomB64, startServer, type TestAccount, type TestServer } from './harness.ts';

const ACCOUNT_MAX = 5;
let server: TestServer;
let account: TestAccount;

beforeAll(async () => {
  server = await startServer({ policy: { throttle: { ...DEFAULT_POLICY.throttle, accountMax: ACCOUNT_MAX } } });
  account = await newAccount(server, 'burst-target');
});

afterAll(() => server.close());

describe('a burst of wrong keys', () => {
  it('tries exactly accountMax of them; the others, and then the right key, are TOO_MANY_REQUESTS', async () => {
    const guesses = Array.from({ length: 30 }, () => call(server, 'POST', '/api/sessions', { json: { accountId: account.accountId, authKey: randomB64(32), tokenDelivery: 'bearer' } }));
    const codes = await Promise.all((await Promise.all(guesses)).map((response) => errorCode(response)));
    expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(ACCOUNT_MAX);
    expect(codes.filter((code) => code === 'TOO_MANY_REQUESTS')).toHaveLength(30 - ACCOUNT_MAX);
    const right = await call(server, 'POST', '/api/sessions', { json: { accountId: account.accountId, authKey: account.authKey, tokenDelivery: 'bearer' } });
    expect(await errorCode(right)).toBe('TOO_MANY_REQUESTS');
  });
});
