// The server tampers with the access history (ATK-33): it hides a read, blames another reader, reorders
// entries, rebuilds the whole chain without an entry the owner's checkpoint covers, cuts the chain back,
// forges or withholds the checkpoint. The client recomputes the chain, checks it against the signed
// checkpoint and the head it saw, and refuses with a typed error before showing anything; it then signs no
// checkpoint, so the tampered history never gets the owner's signature.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadDocument } from '../../client/core/documents.ts';
import { accessHistory } from '../../client/core/history.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { accessEventHash, ACCESS_CHAIN_GENESIS, signHistoryCheckpoint, type ChainedAction } from '../../crypto/access-chain.ts';
import { toBase64url } from '../../shared/binary.ts';
import { editJson, type Mutation } from './tamper.ts';
import { content, drain, failureCode, newPerson, openWorld, uploadHonestly, type Person, type World } from './world.ts';

const HISTORY = /\/history\?/;
const CHECKPOINT = /\/history\/checkpoint$/;

let world: World;
let alice: Person;
let mallory: Person;
const state: VaultState = {};

type Event = Record<string, unknown> & { actorAccountId: string; action: ChainedAction; documentId: string; version: number; at: number };

function eventsOf(body: Record<string, unknown>): Event[] {
  return body.events as Event[];
}

/** The events linked again from scratch, as a server rewriting its whole chain serves them. */
function relink(events: Event[]): Event[] {
  let previous = ACCESS_CHAIN_GENESIS;
  return events.map((event, index) => {
    previous = accessEventHash(alice.account.vaultId, previous, { ...event, sequence: index + 1 });
    return { ...event, sequence: index + 1, chainHash: toBase64url(previous) };
  });
}

async function refusal(...mutations: Mutation[]): Promise<{ code: string; signed: boolean }> {
  world.tamper.use(...mutations);
  const code = await failureCode(accessHistory(world.api(alice), alice.account, state));
  const signed = world.tamper.sent.some((request) => request.method === 'PUT');
  expect(world.tamper.fired.length).toBeGreaterThan(0);
  world.tamper.reset();
  return { code, signed };
}

beforeAll(async () => {
  world = await openWorld();
  alice = await newPerson(world, 'alice@example.org');
  mallory = await newPerson(world, 'mallory@example.org');
  const documentId = await uploadHonestly(world, alice, {}, content(2000));
  for (let read = 0; read < 3; read += 1) {
    const download = await downloadDocument(world.api(alice), alice.account, {}, documentId);
    await drain(download.stream);
  }
  // The owner verifies the honest history once: a signed checkpoint of its 6 events, and a remembered head.
  const events = await accessHistory(world.api(alice), alice.account, state);
  expect(events).toHaveLength(6);
}, 60_000);

afterAll(() => world.close());

describe('a malicious server and the access history', () => {
  it('ATK-33 hides a read: CHAIN_BROKEN, no checkpoint signed', async () => {
    expect(await refusal(editJson('drop event 2', HISTORY, (body) => { body.events = eventsOf(body).filter((_, index) => index !== 1); })))
      .toEqual({ code: 'CHAIN_BROKEN', signed: false });
  });

  it('ATK-33 blames another reader or moves a read in time: CHAIN_BROKEN', async () => {
    expect(await refusal(editJson('other actor', HISTORY, (body) => { eventsOf(body)[2]!.actorAccountId = mallory.accountId; })))
      .toEqual({ code: 'CHAIN_BROKEN', signed: false });
    expect(await refusal(editJson('other time', HISTORY, (body) => { eventsOf(body)[0]!.at -= 86_400_000; })))
      .toEqual({ code: 'CHAIN_BROKEN', signed: false });
  });

  it('ATK-33 reorders entries: CHAIN_BROKEN', async () => {
    expect(await refusal(editJson('reversed', HISTORY, (body) => { eventsOf(body).reverse(); })))
      .toEqual({ code: 'CHAIN_BROKEN', signed: false });
  });

  it('ATK-33 rebuilds a consistent chain without a read the checkpoint covers: CHAIN_BROKEN', async () => {
    const rebuilt = editJson('rebuilt chain', HISTORY, (body) => {
      const events = eventsOf(body);
      body.events = relink(events.map((event, index) => (index === 0 ? { ...event, actorAccountId: mallory.accountId } : event)));
    });
    expect(await refusal(rebuilt)).toEqual({ code: 'CHAIN_BROKEN', signed: false });
  });

  it('ATK-33 cuts the chain back before the checkpoint: ROLLBACK', async () => {
    expect(await refusal(editJson('cut', HISTORY, (body) => { body.events = eventsOf(body).slice(0, 2); })))
      .toEqual({ code: 'ROLLBACK', signed: false });
  });

  it('ATK-33 forges a checkpoint with its own key, or withholds it while rewriting: SIGNATURE_INVALID, then CHAIN_BROKEN against the remembered head', async () => {
    const forged = editJson('forged checkpoint', CHECKPOINT, (body) => {
      body.checkpoint = toBase64url(signHistoryCheckpoint({
        vaultId: alice.account.vaultId, sequence: 1, hash: new Uint8Array(32), signerAccountId: alice.accountId, signedAt: 1,
      }, mallory.account.identity.signingSeed));
    });
    expect(await refusal(forged)).toEqual({ code: 'SIGNATURE_INVALID', signed: false });
    const withheld = editJson('no checkpoint', CHECKPOINT, (body) => { body.checkpoint = null; });
    const rebuilt = editJson('rebuilt chain', HISTORY, (body) => {
      body.events = relink(eventsOf(body).map((event, index) => (index === 1 ? { ...event, version: 7 } : event)));
    });
    expect(await refusal(withheld, rebuilt)).toEqual({ code: 'CHAIN_BROKEN', signed: false });
  });

  it('ATK-33 the honest history still verifies after all that, against the same head', async () => {
    world.tamper.reset();
    const events = await accessHistory(world.api(alice), alice.account, state);
    expect(events.map((event) => event.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(state.history?.sequence).toBe(6);
  });
});
