// The access history as a hash chain with signed checkpoints (ATK-33), through the real client core and the
// real server: reads are chained in order, the client verifies the chain and stores a checkpoint of its
// head, the server keeps only newer checkpoints it can verify, and a server that hides, rewrites or rolls
// back entries is caught. Events written before the chain existed are linked at start-up.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, signUp, type UnlockedAccount } from '../../client/core/account.ts';
import { createApiClient, type ApiClient, type FetchLike } from '../../client/core/api.ts';
import { downloadDocument } from '../../client/core/documents.ts';
import { accessHistory } from '../../client/core/history.ts';
import { newDocumentId, uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { accessEventHash, ACCESS_CHAIN_GENESIS, signHistoryCheckpoint } from '../../crypto/access-chain.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { historyCheckpointResponseSchema, type AccessEvent } from '../../shared/history.ts';
import { rejectionCode } from '../error-code.ts';
import { call, errorCode, ORIGIN, startServer, type TestServer } from './harness.ts';
import { countRows, rejectionMessages } from './stored-rows.ts';

const PASSWORD = 'une phrase de passe assez longue';
let server: TestServer;
let alice: UnlockedAccount;
let bob: UnlockedAccount;
let aliceToken: string;
let bobToken: string;
let documentId: string;
const sent: string[] = [];

type Rewrite = (path: string, body: Record<string, unknown>) => void;

/** The app through app.request; `rewrite` edits JSON answers on the way back, as a malicious server would. */
function apiFor(token: string, rewrite?: Rewrite, target = server): ApiClient {
  const fetch: FetchLike = async (url, init) => {
    const path = new URL(url).pathname;
    sent.push(`${init.method ?? 'GET'} ${path}`);
    const response = await target.app.request(url, init);
    if (rewrite === undefined || !(response.headers.get('content-type') ?? '').includes('json')) return response;
    const body = (await response.json()) as Record<string, unknown>;
    rewrite(path, body);
    return new Response(JSON.stringify(body), { status: response.status, headers: { 'content-type': 'application/json' } });
  };
  return createApiClient(ORIGIN, { token, fetch });
}

async function newPatient(accountId: string, target = server): Promise<{ account: UnlockedAccount; token: string }> {
  const client = createApiClient(ORIGIN, { fetch: (url, init) => Promise.resolve(target.app.request(url, init)) });
  await signUp(client, accountId, PASSWORD);
  const account = await logIn(client, accountId, PASSWORD);
  return { account, token: client.token ?? '' };
}

async function read(times: number): Promise<void> {
  for (let index = 0; index < times; index += 1) {
    const download = await downloadDocument(apiFor(aliceToken), alice, {}, documentId);
    await new Response(download.stream).arrayBuffer();
  }
}

async function storedCheckpointSequence(): Promise<number> {
  const response = await call(server, 'GET', `/api/vaults/${alice.vaultId}/history/checkpoint`, { token: aliceToken });
  const { checkpoint } = historyCheckpointResponseSchema.parse(await response.json());
  if (checkpoint === null) return 0;
  const bytes = fromBase64url(checkpoint);
  // u16 version | text vaultId | u64 sequence: read the sequence without trusting anything else.
  const vaultIdLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(2);
  return Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(6 + vaultIdLength));
}

/** The same events re-linked from scratch, as a server rewriting its whole chain would serve them. */
function relinked(events: Record<string, unknown>[], vaultId: string): Record<string, unknown>[] {
  let previous = ACCESS_CHAIN_GENESIS;
  return events.map((raw, index) => {
    const event = { ...(raw as unknown as AccessEvent), sequence: index + 1 };
    const hash = accessEventHash(vaultId, previous, event);
    previous = hash;
    return { ...event, chainHash: toBase64url(hash) };
  });
}

beforeAll(async () => {
  server = await startServer();
  ({ account: alice, token: aliceToken } = await newPatient('alice@example.org'));
  ({ account: bob, token: bobToken } = await newPatient('bob@example.org'));
  const bytes = new TextEncoder().encode('Compte rendu opératoire');
  const metadata = { title: 'Compte rendu', category: '11504-8', dateOfCare: '2026-02-14', author: 'Dr Exemple', fileName: 'cr.txt', mimeType: 'text/plain' };
  const stream = new ReadableStream<Uint8Array>({ start: (controller) => { controller.enqueue(bytes); controller.close(); } });
  ({ documentId } = await uploadDocument(apiFor(aliceToken), alice, {}, { stream, size: bytes.length, metadata }));
}, 60_000);

afterAll(() => server.close());

describe('access history chain', () => {
  it('chains every read in order, and the client stores a checkpoint of the head it verified', async () => {
    await read(2);
    const state: VaultState = {};
    const events = await accessHistory(apiFor(aliceToken), alice, state);
    expect(events.map((event) => [event.sequence, event.action])).toEqual([[1, 'envelope-read'], [2, 'payload-read'], [3, 'envelope-read'], [4, 'payload-read']]);
    expect(state.history?.sequence).toBe(4);
    expect(await storedCheckpointSequence()).toBe(4);
    await read(1);
    await accessHistory(apiFor(aliceToken), alice, state);
    expect(await storedCheckpointSequence()).toBe(6);
  });

  it('keeps only a newer checkpoint that the caller signed over the stored chain', async () => {
    const path = `/api/vaults/${alice.vaultId}/history/checkpoint`;
    const events = (await accessHistory(apiFor(aliceToken), alice)).slice(0, 6);
    const at = (sequence: number) => fromBase64url(events[sequence - 1]?.chainHash ?? '');
    const sign = (sequence: number, hash: Uint8Array, seed = alice.identity.signingSeed, signer = alice.accountId, vaultId = alice.vaultId) =>
      toBase64url(signHistoryCheckpoint({ vaultId, sequence, hash, signerAccountId: signer, signedAt: 1 }, seed));
    const put = (checkpoint: string, token = aliceToken, vaultPath = path) => call(server, 'PUT', vaultPath, { token, json: { checkpoint } });

    const older = await put(sign(5, at(5)));
    expect([older.status, await errorCode(older)]).toEqual([409, 'CONFLICT']);
    await read(1);
    const wrongHash = await put(sign(7, at(6)));
    expect([wrongHash.status, await errorCode(wrongHash)]).toEqual([400, 'BAD_REQUEST']);
    const signedByBob = await put(sign(7, at(6), bob.identity.signingSeed, bob.accountId));
    expect([signedByBob.status, await errorCode(signedByBob)]).toEqual([400, 'BAD_REQUEST']);
    const beyondChain = await put(sign(99, at(6)));
    expect([beyondChain.status, await errorCode(beyondChain)]).toEqual([400, 'BAD_REQUEST']);
    const garbage = await put(toBase64url(new Uint8Array(80)));
    expect([garbage.status, await errorCode(garbage)]).toEqual([400, 'BAD_REQUEST']);
    const intoAlicesVault = await put(sign(7, at(6), bob.identity.signingSeed, bob.accountId), bobToken);
    expect([intoAlicesVault.status, await errorCode(intoAlicesVault)]).toEqual([404, 'NOT_FOUND']);
    expect(await storedCheckpointSequence()).toBe(6);
  });

  it('ATK-33 refuses a history with an entry hidden, altered or reordered: CHAIN_BROKEN, and stores no checkpoint', async () => {
    const edits: Rewrite[] = [
      (path, body) => { if (path.endsWith('/history')) body.events = (body.events as unknown[]).filter((_, index) => index !== 1); },
      (path, body) => { if (path.endsWith('/history')) (body.events as Record<string, unknown>[])[2] = { ...(body.events as Record<string, unknown>[])[2], actorAccountId: 'dr-inconnu@example.org' }; },
      (path, body) => { if (path.endsWith('/history')) (body.events as unknown[]).reverse(); },
    ];
    for (const edit of edits) {
      sent.length = 0;
      expect(await rejectionCode(accessHistory(apiFor(aliceToken, edit), alice))).toBe('CHAIN_BROKEN');
      expect(sent.filter((line) => line.startsWith('PUT'))).toEqual([]);
    }
  });

  it('ATK-33 refuses a whole chain rebuilt without an entry the signed checkpoint covers: CHAIN_BROKEN', async () => {
    const rebuild: Rewrite = (path, body) => {
      if (path.endsWith('/history')) body.events = relinked((body.events as Record<string, unknown>[]).filter((_, index) => index !== 0), alice.vaultId);
    };
    expect(await rejectionCode(accessHistory(apiFor(aliceToken, rebuild), alice))).toBe('CHAIN_BROKEN');
  });

  it('ATK-33 refuses a chain cut back before the checkpoint (ROLLBACK), a forged checkpoint (SIGNATURE_INVALID), and, once seen, a rewrite served with the checkpoint withheld', async () => {
    const cut: Rewrite = (path, body) => { if (path.endsWith('/history')) body.events = (body.events as unknown[]).slice(0, 3); };
    expect(await rejectionCode(accessHistory(apiFor(aliceToken, cut), alice))).toBe('ROLLBACK');

    const forged: Rewrite = (path, body) => {
      if (path.endsWith('/checkpoint')) {
        body.checkpoint = toBase64url(signHistoryCheckpoint({ vaultId: alice.vaultId, sequence: 1, hash: new Uint8Array(32), signerAccountId: alice.accountId, signedAt: 1 }, bob.identity.signingSeed));
      }
    };
    expect(await rejectionCode(accessHistory(apiFor(aliceToken, forged), alice))).toBe('SIGNATURE_INVALID');

    const state: VaultState = {};
    await accessHistory(apiFor(aliceToken), alice, state);
    const withheld: Rewrite = (path, body) => {
      if (path.endsWith('/checkpoint')) body.checkpoint = null;
      if (path.endsWith('/history')) {
        const events = body.events as Record<string, unknown>[];
        body.events = relinked(events.map((event, index) => (index === 0 ? { ...event, actorAccountId: 'dr-inconnu@example.org' } : event)), alice.vaultId);
      }
    };
    expect(await rejectionCode(accessHistory(apiFor(aliceToken, withheld), alice, state))).toBe('CHAIN_BROKEN');
    expect(await rejectionCode(accessHistory(apiFor(aliceToken, cut), alice, state))).toBe('ROLLBACK');
  });
});

describe('events written before the chain existed', () => {
  it('are linked once at start-up, in order, and the client verifies them', async () => {
    const before = await startServer();
    const { account, token } = await newPatient('carol@example.org', before);
    const oldDocuments = [newDocumentId(), newDocumentId(), newDocumentId()];
    // As an older server wrote them: no sequence (0), no chain hash (the columns' defaults).
    await before.state.storage.transaction(async (tx) => {
      for (const [index, documentId] of oldDocuments.entries()) {
        await tx.insert(tx.tables.accessEvents).values({
          vaultId: account.vaultId, actorAccountId: account.accountId, action: 'envelope-read', documentId, version: 1, at: 1_700_000_000_000 + index,
        });
      }
    });
    const unchained = ({ state: { storage } }: TestServer) => countRows(storage, storage.tables.accessEvents, eq(storage.tables.accessEvents.sequence, 0));
    expect(await unchained(before)).toBe(3);
    await before.close(true);
    const restarted = await startServer({}, before.dataDir);
    try {
      expect(await unchained(restarted)).toBe(0);
      const tampering = restarted.state.storage.transaction(async (tx) => { await tx.update(tx.tables.accessEvents).set({ at: 0 }); });
      expect(await rejectionMessages(tampering)).toMatch(/append-only/);
      const events = await accessHistory(apiFor(token, undefined, restarted), account);
      expect(events.map((event) => [event.sequence, event.documentId])).toEqual(oldDocuments.map((id, index) => [index + 1, id]));
    } finally {
      await restarted.close();
    }
  }, 30_000);
});
