// DESIGN property 4 against a real process: the server (server/main.ts, as `npm start` runs it) is SIGKILLed
// at a random moment while the client core uploads documents, adds versions and deletes, then restarted on
// the same DATA_DIR. After every restart:
//   - every document the server acknowledged is listed, verifies, and downloads (each version) with exactly
//     the committed bytes; the operation the kill interrupted is there whole or not at all, never half;
//   - the session token of before the crash still works (sessions live in the database);
//   - the database passes PRAGMA integrity_check (read-only, right after the kill, and again after the
//     sweep), blobs/tmp holds only temporaries of live uploads, and blobs/ exactly the committed blobs.
// FAULT_ROUNDS sets the number of kills (default 12); FAULT_SEED replays a sequence of choices (timing still
// varies from run to run, so a replay hits nearby points, not the same ones).
// SQLite only: the crash checks read DATA_DIR/vault.sqlite3 straight from disk (disk-audit.ts), so the
// spawned servers must not inherit a DATABASE_URL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { logIn, signUp, type UnlockedAccount } from '../../client/core/account.ts';
import { createApiClient, isApiClientError, type ApiClient } from '../../client/core/api.ts';
import { deleteDocument, downloadDocument, listDocuments, type DocumentEntry } from '../../client/core/documents.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { auditAfterCrash, auditAfterSweep, diskCounts, unpublishedCommits } from './disk-audit.ts';
import { standbyServer, startServer, stubStaticDir, type RunningServer, type StandbyServer } from './server-process.ts';

const ROUNDS = Number(process.env.FAULT_ROUNDS ?? '12');
const SEED = Number(process.env.FAULT_SEED ?? String(Date.now() % 2_147_483_647));
const ACCOUNT = 'faults@example.test';
const PASSWORD = 'correct horse battery staple';
/** Small ranges, so one upload is many requests and a kill often lands in the middle of one. */
const CHUNK_BYTES = 2048;
const MAX_PLAINTEXT = 20_000;
const MAX_DOCUMENTS = 5;
/** The kill comes 0 .. MAX_DELAY_MS after request number 1 .. MAX_REQUESTS, or during a commit (KillSwitch). */
const MAX_REQUESTS = 30;
const MAX_DELAY_MS = 12;
const RELOGIN_EVERY = 6;

/** mulberry32: a small seeded generator, so a failing sequence of choices can be replayed. */
function seededRandom(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * below);
  };
}

/** Documents the server acknowledged: each one's versions, oldest first, as plaintext. */
type Model = Map<string, Uint8Array[]>;

/** The operation a kill interrupted: after the restart it must be there whole, or not at all. */
type InFlight =
  | { kind: 'create'; bytes: Uint8Array }
  | { kind: 'version'; documentId: string; bytes: Uint8Array }
  | { kind: 'delete'; documentId: string };

/** Is this request one that commits something (a version, or a deletion)? */
function commits(method: string, url: string): boolean {
  return (method === 'POST' && url.endsWith('/commit')) || (method === 'DELETE' && url.includes('/documents/'));
}

/** SIGKILLs the server a random delay after a chosen request is sent. */
class KillSwitch {
  private sent = 0;
  private target = Number.POSITIVE_INFINITY;
  private atCommit = false;
  private pending = false;
  /** How long commit-like requests take here (a moving average), so kills spread over their whole life. */
  private commitMs = 30;
  fired = false;
  constructor(private readonly server: () => RunningServer, private readonly random: (below: number) => number) {}

  /**
   * The kill comes after request number `afterRequests` from now, or, with `atCommit`, after the first
   * commit-like request from then on (the moments where a half state could be made).
   */
  arm(afterRequests: number, atCommit: boolean): void {
    this.target = this.sent + afterRequests;
    this.atCommit = atCommit;
    this.fired = false;
    this.pending = false;
  }

  /** Counts a request; the chosen one starts the timer (the kill may land before, during or after it). */
  onRequest(method: string, url: string): void {
    this.sent += 1;
    if (this.pending || this.sent < this.target || (this.atCommit && !commits(method, url))) return;
    this.pending = true;
    const delayMs = this.atCommit ? this.random(Math.ceil(this.commitMs * 1.2) + 1) : this.random(MAX_DELAY_MS + 1);
    const victim = this.server();
    if (process.env.FAULT_VERBOSE === '1') console.log(`kill ${method} ${url.slice(-40)} +${String(delayMs)} ms (commits take ~${this.commitMs.toFixed(0)} ms)`);
    setTimeout(() => {
      this.fired = true;
      void victim.kill();
    }, delayMs);
  }

  /** Learns how long a commit-like request took. */
  onAnswer(method: string, url: string, ms: number): void {
    if (commits(method, url)) this.commitMs = 0.7 * this.commitMs + 0.3 * ms;
  }
}

const random = seededRandom(SEED);
const staticDir = stubStaticDir();
const dataDir = mkdtempSync(join(tmpdir(), 'faults-data-'));
let server: RunningServer;
const killSwitch = new KillSwitch(() => server, random);
/** The next servers, loading their code while the rounds before them run (one load takes seconds). */
const standbys: StandbyServer[] = [];
const STANDBY_DEPTH = 2;
let standbysSpawned = 0;

/** Spawns standbys until STANDBY_DEPTH wait, or until every remaining restart has one. */
function topUpStandbys(): void {
  while (standbys.length < STANDBY_DEPTH && standbysSpawned < ROUNDS) {
    standbys.push(standbyServer(dataDir, staticDir));
    standbysSpawned += 1;
  }
}

/** The standby for this restart (the oldest, so the most likely to be loaded). */
function takeStandby(): StandbyServer {
  topUpStandbys();
  const next = standbys.shift();
  if (next === undefined) throw new Error('no standby server left');
  topUpStandbys();
  return next;
}

let api: ApiClient;
let account: UnlockedAccount;
const state: VaultState = {};
let model: Model = new Map();
const outcomes: Record<string, number> = {};
/** Milliseconds spent in each phase, for the report line. */
const spent: Record<string, number> = {};

async function timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await work();
  } finally {
    spent[phase] = (spent[phase] ?? 0) + Date.now() - start;
  }
}

/** The client core's API client on the server's current URL, through the kill switch's counting fetch. */
function clientFor(url: string, token: string | undefined): ApiClient {
  return createApiClient(url, {
    token,
    fetch: async (target, init) => {
      const method = init.method ?? 'GET';
      killSwitch.onRequest(method, target);
      const sent = performance.now();
      const response = await fetch(target, init);
      killSwitch.onAnswer(method, target, performance.now() - sent);
      return response;
    },
  });
}

beforeAll(async () => {
  console.log(`faults/sigkill: seed ${String(SEED)}, ${String(ROUNDS)} kills (FAULT_SEED, FAULT_ROUNDS)`);
  if (process.env.DATABASE_URL !== undefined) throw new Error('faults/sigkill audits DATA_DIR/vault.sqlite3: run it without DATABASE_URL');
  server = await startServer(dataDir, staticDir);
  api = clientFor(server.url, undefined);
  await signUp(api, ACCOUNT, PASSWORD);
  account = await logIn(api, ACCOUNT, PASSWORD);
}, 60_000);

afterAll(async () => {
  await Promise.all(standbys.map((spare) => spare.discard()));
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(staticDir, { recursive: true, force: true });
});

function plaintext(): Uint8Array {
  // Sometimes empty, sometimes exactly a few ranges, mostly anything in between.
  const sizes = [0, CHUNK_BYTES, 3 * CHUNK_BYTES, random(MAX_PLAINTEXT + 1)];
  return new Uint8Array(randomBytes(sizes[random(4) === 0 ? random(3) : 3] ?? 0));
}

function pickOperation(): InFlight {
  const ids = [...model.keys()];
  const roll = random(100);
  if (ids.length === 0 || (roll < 45 && ids.length < MAX_DOCUMENTS)) return { kind: 'create', bytes: plaintext() };
  const documentId = ids[random(ids.length)] ?? '';
  return roll < 75 ? { kind: 'version', documentId, bytes: plaintext() } : { kind: 'delete', documentId };
}

function upload(bytes: Uint8Array, documentId?: string) {
  const stream = new ReadableStream<Uint8Array>({ start: (controller) => { controller.enqueue(bytes); controller.close(); } });
  const metadata = { title: 'Compte rendu', category: '11502-2', dateOfCare: '2026-02-14', author: 'Dr Exemple', fileName: 'cr.bin', mimeType: 'application/octet-stream' };
  return uploadDocument(api, account, state, { stream, size: bytes.length, metadata, documentId, chunkBytes: CHUNK_BYTES });
}

/** Runs one operation to its end and records it as acknowledged. */
async function perform(operation: InFlight): Promise<void> {
  if (operation.kind === 'create') {
    const { documentId } = await upload(operation.bytes);
    model.set(documentId, [operation.bytes]);
  } else if (operation.kind === 'version') {
    await upload(operation.bytes, operation.documentId);
    model.get(operation.documentId)?.push(operation.bytes);
  } else {
    await deleteDocument(api, account, state, operation.documentId);
    model.delete(operation.documentId);
  }
}

/** Operations one after the other until the kill; returns the one it interrupted. */
async function runUntilKilled(): Promise<InFlight> {
  for (;;) {
    const operation = pickOperation();
    try {
      await perform(operation);
    } catch (error) {
      // Losing the server mid-answer is NETWORK (no answer) or BAD_RESPONSE (a cut body); anything else,
      // or any failure before the kill, is a bug.
      const lostServer = isApiClientError(error, 'NETWORK') || isApiClientError(error, 'BAD_RESPONSE');
      if (!killSwitch.fired || !lostServer) throw error;
      return operation;
    }
  }
}

async function bytesOf(documentId: string, version: number): Promise<Uint8Array> {
  const download = await downloadDocument(api, account, state, documentId, { version });
  return new Uint8Array(await new Response(download.stream).arrayBuffer());
}

/**
 * Compares what the restarted server lists (already verified by the client core) with the model and the
 * interrupted operation, and downloads each current version (every version with `everyVersion`). Returns
 * the model with the operation's outcome applied.
 */
async function reconcile(listed: readonly DocumentEntry[], interrupted: InFlight | null, everyVersion = false): Promise<Model> {
  const next: Model = new Map();
  let outcome = 'none';
  for (const entry of listed) {
    let versions = model.get(entry.documentId);
    if (versions === undefined) {
      expect(interrupted?.kind, `unexpected document ${entry.documentId}`).toBe('create');
      expect(outcome, 'two unexpected documents').toBe('none');
      versions = interrupted?.kind === 'create' ? [interrupted.bytes] : [];
      outcome = 'create committed';
    } else if (interrupted?.kind === 'version' && interrupted.documentId === entry.documentId && entry.version === versions.length + 1) {
      versions = [...versions, interrupted.bytes];
      outcome = 'version committed';
    }
    expect(entry.version, `version of ${entry.documentId}`).toBe(versions.length);
    // Older versions were compared when they were new; the disk audit checks their blobs every round.
    for (let version = everyVersion ? 1 : versions.length; version <= versions.length; version += 1) {
      expect(await bytesOf(entry.documentId, version), `${entry.documentId} v${String(version)}`).toEqual(versions[version - 1]);
    }
    next.set(entry.documentId, versions);
  }
  for (const documentId of model.keys()) {
    if (next.has(documentId)) continue;
    expect(interrupted?.kind === 'delete' && interrupted.documentId === documentId, `committed document lost: ${documentId}`).toBe(true);
    outcome = 'delete committed';
  }
  if (interrupted !== null) {
    const key = outcome === 'none' ? `${interrupted.kind} absent` : outcome;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  return next;
}

async function sessionStillValid(): Promise<number> {
  const response = await fetch(`${server.url}api/sessions/current`, { headers: { authorization: `Bearer ${api.token ?? ''}` } });
  await response.body?.cancel();
  return response.status;
}

it(`keeps every committed document and never shows half of one across ${String(ROUNDS)} SIGKILLs`, async () => {
  const started = Date.now();
  let rolledForward = 0;
  topUpStandbys();
  let interrupted: InFlight | null = null;
  for (let round = 0; round < ROUNDS; round += 1) {
    model = await timed('verify', async () => reconcile(await listDocuments(api, account, state), interrupted));
    expect(auditAfterSweep(dataDir), `round ${String(round)}, after the sweep`).toEqual([]);

    killSwitch.arm(1 + random(MAX_REQUESTS), random(2) === 0);
    interrupted = await timed('work', runUntilKilled);
    await server.kill();
    expect(auditAfterCrash(dataDir), `round ${String(round)}, right after the kill`).toEqual([]);
    rolledForward += unpublishedCommits(dataDir);

    server = await timed('restart', takeStandby().start);
    api = clientFor(server.url, api.token);
    expect(await sessionStillValid(), 'the token of before the crash').toBe(200);
    if (round % RELOGIN_EVERY === RELOGIN_EVERY - 1) account = await timed('login', () => logIn(api, ACCOUNT, PASSWORD));
  }
  model = await reconcile(await listDocuments(api, account, state), interrupted, true);
  account = await logIn(api, ACCOUNT, PASSWORD);
  expect((await listDocuments(api, account, state)).length).toBe(model.size);
  await server.stop();
  expect(auditAfterSweep(dataDir), 'after the last graceful stop').toEqual([]);
  const counts = diskCounts(dataDir);
  console.log(`faults/sigkill: ${String(ROUNDS)} kills in ${String(Date.now() - started)} ms; interrupted: ${JSON.stringify(outcomes)}; blobs rolled forward: ${String(rolledForward)}; ms per phase: ${JSON.stringify(spent)}; end: ${String(model.size)} documents, ${JSON.stringify(counts)}`);
  expect(Object.values(outcomes).reduce((sum, count) => sum + count, 0)).toBe(ROUNDS);
}, ROUNDS * 20_000 + 30_000);
