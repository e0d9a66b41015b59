// The server attacks a share with a relative (ATK-03): relatives are not in the directory, so their key
// reaches the patient only through a share code. The server swaps the relative's bundle for its own at GET
// invites so that the patient would seal a grant key for it, hands the relative an owner bundle of its own
// making at acceptance, or calls a share invitation a co-manager's. Alice shares with her daughter Clara.
// Each refusal is a typed error, and nothing is sealed or sent after it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { forgetFileKeys, openVault } from '../../client/core/opened-vault.ts';
import { memoryPinStore } from '../../client/core/pins.ts';
import { acceptInvite, createShareInvite, listInvites } from '../../client/core/record-managers.ts';
import { shareWithInvitee } from '../../client/core/relative-share.ts';
import { listSharedWithMe, newSharedState } from '../../client/core/shared-with-me.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { generateIdentity, signPublicBundle } from '../../crypto/identity.ts';
import { toBase64url } from '../../shared/binary.ts';
import { editBase64Field, editJson } from './tamper.ts';
import { content, failureCode, newPerson, openWorld, uploadHonestly, type Person, type World } from './world.ts';

const HOUR = 3600_000;
const INVITES = /\/invites$/;
const ACCEPT = /^\/api\/invites\/[^/]+\/accept$/;

let world: World;
let alice: Person;
let clara: Person;
const alicePins = memoryPinStore();
const claraPins = memoryPinStore();
const aliceState: VaultState = {};
/** The server's own identity: it signs and seals with this. */
const server = generateIdentity();

beforeAll(async () => {
  world = await openWorld();
  alice = await newPerson(world, 'alice@example.org');
  clara = await newPerson(world, 'clara@example.org');
  await uploadHonestly(world, alice, aliceState, content(600, 1), { metadata: { title: 'Ordonnance' } });
}, 60_000);

afterAll(() => world.close());
beforeEach(() => { world.tamper.reset(); });

async function share(inviteId: string): Promise<string> {
  const vault = await openVault(world.api(alice), alice.account, aliceState);
  try {
    world.tamper.sent.length = 0;
    return await failureCode(shareWithInvitee(world.api(alice), alice.account, aliceState, alicePins, vault, { inviteId, scope: { kind: 'all' }, endsAt: null }));
  } finally {
    forgetFileKeys(vault);
  }
}

describe('sharing with a relative under a malicious server', () => {
  it('ATK-03 the server answers the relative with an owner bundle of its own: refused by the code’s keys-hash prefix, nothing pinned', async () => {
    const { code } = await createShareInvite(world.api(alice), alice.account, { expiresAt: Date.now() + HOUR });
    const substitute = () => signPublicBundle(server, { accountId: alice.accountId, role: 'patient', createdAt: 2 });
    world.tamper.use(editBase64Field('own owner bundle at acceptance', ACCEPT, 'publicBundle', substitute, 'POST'));
    expect(await failureCode(acceptInvite(world.api(clara), clara.account, claraPins, code))).toBe('KEY_CHANGED');
    expect(world.tamper.fired).toEqual(['own owner bundle at acceptance']);
    expect(await claraPins.get(alice.accountId)).toBeUndefined();
  });

  it('ATK-03 the server calls a share invitation a co-manager’s: a personal vault’s owner is no record, refused and nothing pinned', async () => {
    const { code } = await createShareInvite(world.api(alice), alice.account, { expiresAt: Date.now() + HOUR });
    world.tamper.use(editJson('manager purpose', ACCEPT, (body) => { body.purpose = 'manager'; }, 'POST'));
    expect(await failureCode(acceptInvite(world.api(clara), clara.account, claraPins, code))).toBe('KEY_BUNDLE_INVALID');
    expect(world.tamper.fired).toEqual(['manager purpose']);
    expect(await claraPins.get(alice.accountId)).toBeUndefined();
  });

  it('ATK-03 the server swaps the relative’s bundle for its own at GET invites: the proof fails, no grant key is sealed or sent', async () => {
    const { inviteId, code } = await createShareInvite(world.api(alice), alice.account, { expiresAt: Date.now() + HOUR });
    const accepted = await acceptInvite(world.api(clara), clara.account, claraPins, code);
    expect(accepted.purpose).toBe('share');
    const substitute = signPublicBundle(server, { accountId: clara.accountId, role: 'patient', createdAt: 2 });
    world.tamper.use(editJson('own bundle as the relative’s', INVITES, (body) => {
      for (const entry of body.invites as { invitee: Record<string, unknown> | null }[]) {
        if (entry.invitee !== null) entry.invitee.publicBundle = toBase64url(substitute);
      }
    }));
    const refused = (await listInvites(world.api(alice), alice.account)).find((entry) => entry.inviteId === inviteId);
    expect([refused?.purpose, refused?.status, refused?.refusal, refused?.invitee]).toEqual(['share', 'refused', 'SIGNATURE_INVALID', null]);

    expect(await share(inviteId)).toBe('SIGNATURE_INVALID');
    expect(world.tamper.calls()).toEqual([`GET /api/vaults/${alice.account.vaultId}/invites`]);
    expect(await alicePins.get(clara.accountId)).toBeUndefined();

    // Honestly served, Clara's own proof checks: the share goes through and she reads it.
    world.tamper.reset();
    expect(await share(inviteId)).toBe('(none)');
    expect(world.tamper.calls()).toEqual([`GET /api/vaults/${alice.account.vaultId}/invites`, `POST /api/vaults/${alice.account.vaultId}/grants`]);
    const shared = await listSharedWithMe(world.api(clara), clara.account, claraPins, newSharedState());
    expect(shared.flatMap((owner) => owner.grants.flatMap((grant) => grant.documents.map((document) => document.metadata.title)))).toEqual(['Ordonnance']);
  });
});
