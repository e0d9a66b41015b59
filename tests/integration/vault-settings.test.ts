// Vault settings: one sealed blob per vault, opaque to the server, replaced only at the next sequence
// (a stale or skipped one is 409 CONFLICT, nothing written); managers only, NOT_FOUND for anyone else,
// a grant recipient included.
import { afterEach, describe, expect, it } from 'vitest';
import { vaultSettingsResponseSchema } from '../../shared/vault-settings.ts';
import { call, currentSequence, errorCode, newAccount, randomB64, snapshotState, startServer, type TestServer } from './harness.ts';
import { acceptedShareInvite } from './share-invite.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup() {
  server = await startServer();
  const alice = await newAccount(server, 'alice@example.test');
  const doctor = await newAccount(server, 'dr-martin@example.test');
  return { server, alice, doctor, path: `/api/vaults/${alice.vaultId}/settings` };
}

describe('vault settings', () => {
  it('start empty at sequence 0, then keep exactly what was sent at each next sequence', async () => {
    const { server: s, alice, path } = await setup();
    const read = async () => vaultSettingsResponseSchema.parse(await (await call(s, 'GET', path, { token: alice.token })).json());
    expect(await read()).toEqual({ sequence: 0, settings: null });
    const first = randomB64(281);
    expect((await call(s, 'PUT', path, { token: alice.token, json: { sequence: 1, settings: first } })).status).toBe(204);
    expect(await read()).toEqual({ sequence: 1, settings: first });
    const second = randomB64(537);
    expect((await call(s, 'PUT', path, { token: alice.token, json: { sequence: 2, settings: second } })).status).toBe(204);
    expect(await read()).toEqual({ sequence: 2, settings: second });
  });

  it('refuses a replayed, a repeated or a skipped sequence: 409 CONFLICT, nothing written', async () => {
    const { server: s, alice, path } = await setup();
    expect((await call(s, 'PUT', path, { token: alice.token, json: { sequence: 1, settings: randomB64(281) } })).status).toBe(204);
    const before = await snapshotState(s);
    for (const sequence of [1, 3]) {
      const response = await call(s, 'PUT', path, { token: alice.token, json: { sequence, settings: randomB64(281) } });
      expect([response.status, await errorCode(response)]).toEqual([409, 'CONFLICT']);
    }
    const zero = await call(s, 'PUT', path, { token: alice.token, json: { sequence: 0, settings: randomB64(281) } });
    expect(zero.status).toBe(400);
    expect(await snapshotState(s)).toBe(before);
  });

  it('is NOT_FOUND for an outsider and for a grant recipient', async () => {
    const { server: s, alice, doctor, path } = await setup();
    await acceptedShareInvite(s, alice.token, alice.vaultId, doctor.token);
    const grant = await call(s, 'POST', `/api/vaults/${alice.vaultId}/grants`, {
      token: alice.token,
      json: {
        grantId: randomB64(16), recipientAccountId: doctor.accountId, role: 'contributor', endsAt: null, recipientEnvelope: randomB64(1200),
        ownerEnvelope: randomB64(1200), scope: randomB64(257), list: { sequence: 1, list: randomB64(200) }, wraps: [],
        vaultManifest: { sequence: (await currentSequence(s, alice)) + 1, manifest: randomB64(400) },
      },
    });
    expect(grant.status).toBe(201);
    const before = await snapshotState(s);
    expect((await call(s, 'GET', path, { token: doctor.token })).status).toBe(404);
    expect((await call(s, 'PUT', path, { token: doctor.token, json: { sequence: 1, settings: randomB64(281) } })).status).toBe(404);
    expect((await call(s, 'GET', `/api/vaults/${randomB64(16)}/settings`, { token: alice.token })).status).toBe(404);
    expect(await snapshotState(s)).toBe(before);
  });
});
