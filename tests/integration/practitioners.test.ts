// The practitioner directory: only an account whose signed bundle says practitioner publishes a profile,
// RPPS numbers are checked (form, Luhn key) and unique, search matches every word without case or accents,
// and patients are never listed nor their bundles served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity, signPublicBundle, type IdentityRole } from '../../crypto/identity.ts';
import { isValidRpps, practitionerResponseSchema, searchPractitionersResponseSchema, type PractitionerProfile } from '../../shared/practitioners.ts';
import { b64, call, errorCode, login, signUpBody, startServer, type TestServer } from './harness.ts';

/** Completes 10 digits with the Luhn key that makes a valid RPPS number. */
function rppsFrom(prefix: string): string {
  for (let key = 0; key < 10; key += 1) if (isValidRpps(`${prefix}${key}`)) return `${prefix}${key}`;
  throw new Error('no key');
}

/** Signs up with a real self-signed bundle of the given role and logs in. */
async function signedUp(server: TestServer, accountId: string, role: IdentityRole): Promise<{ accountId: string; token: string; bundle: string }> {
  const bundle = b64(signPublicBundle(generateIdentity(), { accountId, role, createdAt: Date.UTC(2026, 0, 1) }));
  const body = { ...signUpBody(accountId), publicBundle: bundle };
  expect((await call(server, 'POST', '/api/accounts', { json: body })).status).toBe(202);
  return { accountId, token: await login(server, accountId, body.authKey), bundle };
}

const claire: PractitionerProfile = {
  name: 'Dr Claire Martin', profession: 'medecin-specialiste', specialty: 'Cardiologie', rpps: rppsFrom('1000000001'),
  place: 'Cabinet médical des Lilas, 12 rue des Lilas', city: 'Saint-Étienne',
};
const hugo: PractitionerProfile = {
  name: 'Hugo Lefèvre', profession: 'masseur-kinesitherapeute', specialty: '', rpps: rppsFrom('1000000002'),
  place: 'Maison de santé du Port', city: 'Lyon',
};

let server: TestServer;
let claireAccount: Awaited<ReturnType<typeof signedUp>>;
let hugoAccount: Awaited<ReturnType<typeof signedUp>>;
let patient: Awaited<ReturnType<typeof signedUp>>;

async function search(q: string, limit?: number): Promise<string[]> {
  const query = new URLSearchParams({ q, ...(limit === undefined ? {} : { limit: String(limit) }) });
  const response = await call(server, 'GET', `/api/practitioners?${query.toString()}`, { token: patient.token });
  expect(response.status).toBe(200);
  return searchPractitionersResponseSchema.parse(await response.json()).practitioners.map((entry) => entry.accountId);
}

beforeAll(async () => {
  server = await startServer();
  claireAccount = await signedUp(server, 'claire@example.test', 'practitioner');
  hugoAccount = await signedUp(server, 'hugo@example.test', 'practitioner');
  patient = await signedUp(server, 'paul@example.test', 'patient');
  for (const [account, profile] of [[claireAccount, claire], [hugoAccount, hugo]] as const) {
    const response = await call(server, 'PUT', '/api/accounts/me/practitioner-profile', { token: account.token, json: profile });
    expect(response.status).toBe(204);
  }
});
afterAll(async () => {
  await server.close();
});

describe('PUT /api/accounts/me/practitioner-profile', () => {
  it('refuses an RPPS number whose Luhn key is wrong: 400 BAD_REQUEST', async () => {
    const wrong = `${claire.rpps.slice(0, 10)}${(Number(claire.rpps[10]) + 1) % 10}`;
    const response = await call(server, 'PUT', '/api/accounts/me/practitioner-profile', { token: claireAccount.token, json: { ...claire, rpps: wrong } });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('BAD_REQUEST');
  });

  it('refuses a patient: 403 NOT_A_PRACTITIONER, and lists nothing for them', async () => {
    const response = await call(server, 'PUT', '/api/accounts/me/practitioner-profile', { token: patient.token, json: { ...claire, rpps: rppsFrom('1000000003') } });
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('NOT_A_PRACTITIONER');
    expect(await search('1000000003')).toEqual([]);
  });

  it('refuses an account whose stored bundle does not verify (not a practitioner)', async () => {
    const body = signUpBody('random@example.test');
    await call(server, 'POST', '/api/accounts', { json: body });
    const token = await login(server, body.accountId, body.authKey);
    const response = await call(server, 'PUT', '/api/accounts/me/practitioner-profile', { token, json: { ...claire, rpps: rppsFrom('1000000004') } });
    expect(await errorCode(response)).toBe('NOT_A_PRACTITIONER');
  });

  it("refuses another practitioner's RPPS number: 409 RPPS_TAKEN", async () => {
    const response = await call(server, 'PUT', '/api/accounts/me/practitioner-profile', { token: hugoAccount.token, json: { ...hugo, rpps: claire.rpps } });
    expect(response.status).toBe(409);
    expect(await errorCode(response)).toBe('RPPS_TAKEN');
  });

  it('replaces the own profile (same RPPS number kept)', async () => {
    const moved = { ...hugo, city: 'Villeurbanne' };
    expect((await call(server, 'PUT', '/api/accounts/me/practitioner-profile', { token: hugoAccount.token, json: moved })).status).toBe(204);
    expect(await search('villeurbanne')).toEqual([hugoAccount.accountId]);
    expect(await search('lyon')).toEqual([]);
    expect((await call(server, 'PUT', '/api/accounts/me/practitioner-profile', { token: hugoAccount.token, json: hugo })).status).toBe(204);
  });

  it('needs a session', async () => {
    expect((await call(server, 'PUT', '/api/accounts/me/practitioner-profile', { json: claire })).status).toBe(401);
  });
});

describe('GET /api/practitioners', () => {
  it('matches a word without its accents or case', async () => {
    expect(await search('SAINT-ETIENNE')).toEqual([claireAccount.accountId]);
    expect(await search('lefevre')).toEqual([hugoAccount.accountId]);
    expect(await search('médical')).toEqual([claireAccount.accountId]);
  });

  it('requires every word to match', async () => {
    expect(await search('martin cardio')).toEqual([claireAccount.accountId]);
    expect(await search('martin lyon')).toEqual([]);
  });

  it('finds by profession label, city and RPPS number', async () => {
    expect(await search('kinésithérapeute')).toEqual([hugoAccount.accountId]);
    expect(await search('medecin')).toEqual([claireAccount.accountId]);
    expect(await search('lyon')).toEqual([hugoAccount.accountId]);
    expect(await search(claire.rpps)).toEqual([claireAccount.accountId]);
  });

  it('answers [] for an empty query, treats % and _ literally, and honours limit', async () => {
    expect(await search('   ')).toEqual([]);
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual([]);
    expect(await search('de', 1)).toHaveLength(1);
    expect((await search('de')).sort()).toEqual([claireAccount.accountId, hugoAccount.accountId].sort());
  });

  it('never lists a patient', async () => {
    expect(await search('paul')).toEqual([]);
    expect(await search('example')).not.toContain(patient.accountId);
  });

  it('reads a NUL or a tab in the query as a space (PostgreSQL refuses a NUL in text)', async () => {
    for (const separator of ['\u0000', '\t', '\u007f']) {
      expect(await search(`hugo${separator}lyon`)).toEqual([hugoAccount.accountId]);
      expect(await search(`hugo${separator}zzzz`)).toEqual([]);
    }
  });

  it('refuses a bad limit and needs a session', async () => {
    expect((await call(server, 'GET', '/api/practitioners?q=a&limit=0', { token: patient.token })).status).toBe(400);
    expect((await call(server, 'GET', '/api/practitioners?q=a&limit=51', { token: patient.token })).status).toBe(400);
    expect((await call(server, 'GET', '/api/practitioners?q=lyon')).status).toBe(401);
  });
});

describe('GET /api/practitioners/:accountId', () => {
  it('serves the entry and the self-signed bundle', async () => {
    const response = await call(server, 'GET', `/api/practitioners/${encodeURIComponent(claireAccount.accountId)}`, { token: patient.token });
    expect(response.status).toBe(200);
    const body = practitionerResponseSchema.parse(await response.json());
    expect(body.practitioner).toEqual({ ...claire, accountId: claireAccount.accountId });
    expect(body.publicBundle).toBe(claireAccount.bundle);
  });

  it("is 404 for a patient, an unknown account, and a practitioner without a profile", async () => {
    const other = await signedUp(server, 'noprofile@example.test', 'practitioner');
    for (const id of [patient.accountId, 'nobody@example.test', other.accountId]) {
      const response = await call(server, 'GET', `/api/practitioners/${encodeURIComponent(id)}`, { token: claireAccount.token });
      expect(response.status).toBe(404);
      expect(await errorCode(response)).toBe('NOT_FOUND');
    }
  });
});
