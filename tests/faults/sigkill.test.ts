// DESIGN property 4 against a real process: the server (server/main.ts, as `npm start` runs it) is SIGKILLed
// at a random moment while the client core uploads documents, adds versions, deletes, and shares documents
// with a practitioner (a new share, a share changed to add or remove a document, a revocation), or right
// after a commit answered, its answer then lost to the client; then restarted on the same DATA_DIR (and
// database). After every restart:
//   - every document the server acknowledged is listed, verifies, and downloads (each version) with exactly
//     the committed bytes; the operation the kill interrupted is there whole or not at all, never half;
//   - the practitioner, through the client core with its own session, finds the acknowledged share with
//     exactly the documents it covers (deleted ones leave it), each opening with the current bytes; an
//     interrupted share operation is there whole (its documents all open) or not at all (the previous share);
//   - the session tokens of before the crash still work (sessions live in the database);
//   - the database passes PRAGMA integrity_check on SQLite (read-only, right after the kill, and again after
//     the sweep), blobs/tmp holds only temporaries of live uploads, and blobs/ exactly the committed blobs.
// FAULT_ROUNDS sets the number of kills (default 8 per engine, so 16 a run, with a new seed each run);
// FAULT_SEED replays a sequence of choices (timing still varies from run to run, so a replay hits nearby
// points, not the same ones).
// Both engines (tests/integration/test-engine.ts): SQLite in DATA_DIR, read straight from disk by the audits
// (disk-audit.ts), so the spawned servers must not inherit a DATABASE_URL; or a PostgreSQL database of this
// file's own, copied from the run's migrated template, which PostgreSQL answers for (no integrity_check),
// and whose sessions of a killed server must have ended before the audit and the restart (server-process.ts).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { logIn, signUp, type UnlockedAccount } from '../../client/core/account.ts';
import { createApiClient, isApiClientError, type ApiClient } from '../../client/core/api.ts';
import { deleteDocument, downloadDocument, listDocuments, type DocumentEntry } from '../../client/core/documents.ts';
import { forgetFileKeys, openVault } from '../../client/core/opened-vault.ts';
import { memoryPinStore } from '../../client/core/pins.ts';
import { fetchPractitioner, publishPractitionerProfile } from '../../client/core/practitioners.ts';
import { listSharedWithMe, newSharedState, openSharedPayload, type SharedDocument } from '../../client/core/shared-with-me.ts';
import { revokeShare, shareWith, updateShare } from '../../client/core/sharing.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import type { PublicKeyBundle } from '../../crypto/identity.ts';
import { TEST_ENGINE } from '../integration/test-engine.ts';
import { createTestDatabase, type TestDatabase } from '../pg/test-database.ts';
import { auditStoredAfterCrash, auditStoredAfterSweep, storedCounts, storedUnpublishedCommits, type StoredState } from './disk-audit.ts';
import { standbyServer, startServer, stubStaticDir, type RunningServer, type StandbyServer } from './server-process.ts';

const ROUNDS = Number(process.env.FAULT_ROUNDS ?? '8');
const SEED = Number(process.env.FAULT_SEED ?? String(Date.now() % 2_147_483_647));
const ACCOUNT = 'faults@example.test';
const PRACTITIONER = 'faults-practitioner@example.test';
const PASSWORD = 'correct horse battery staple';
/** A grant's recipient must be in the directory: a valid profile (the RPPS passes its Luhn check). */
const PRACTITIONER_PROFILE = {
  name: 'Dr Claire Martin', profession: 'medecin-generaliste' as const, specialty: '', rpps: '10000000009',
  place: 'Cabinet médical des Lilas, 12 rue des Lilas', city: 'Lyon',
};
/** Small ranges, so one upload is many requests and a kill often lands in the middle of one. */
const CHUNK_BYTES = 2048;
const MAX_PLAINTEXT = 20_000;
const MAX_DOCUMENTS = 5;
/** The kill comes 0 .. MAX_DELAY_MS after request number 1 .. MAX_REQUESTS, or during a commit (KillSwitch). */
const MAX_REQUESTS = 30;
const MAX_DELAY_MS = 12;
/** A commit's duration before one of its kind was timed. */
const DEFAULT_COMMIT_MS = 30;
const RELOGIN_EVERY = 6;
/** Share operations among all operations, when the vault has a document (percent). */
const SHARE_PERCENT = 35;

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

/** The practitioner's grant, as the owner saw it acknowledged: the documents it covers (deleted ones leave). */
interface GrantModel { grantId: string; documents: Set<string> }

/** The operation a kill interrupted: after the restart it must be there whole, or not at all. */
type InFlight =
  | { kind: 'create'; bytes: Uint8Array }
  | { kind: 'version'; documentId: string; bytes: Uint8Array }
  | { kind: 'delete'; documentId: string }
  | { kind: 'share'; documents: Set<string> }
  | { kind: 'update'; grantId: string; documents: Set<string> }
  | { kind: 'revoke'; grantId: string };

/**
 * Which kind of commit this request is, if it commits something: a version, a deletion, or a grant's
 * creation, change or revocation (server/routes/grants.ts); null for any other request.
 */
function commitKind(method: string, url: string): string | null {
  const path = new URL(url).pathname;
  if (method === 'POST' && path.endsWith('/commit')) return 'version';
  if (method === 'POST' && path.endsWith('/grants')) return 'share';
  if (method === 'PATCH' && /\/grants\/[^/]+$/.test(path)) return 'update';
  if (method === 'DELETE' && /\/grants\/[^/]+$/.test(path)) return 'revoke';
  if (method === 'DELETE' && /\/documents\/[^/]+$/.test(path)) return 'delete';
  return null;
}

/**
 * Where a kill lands: a random delay after a chosen request is sent ('request'), or after the first commit
 * from then on ('commit', the moments where a half state could be made); or, with 'lost answer', right after
 * that commit's answer arrived, which the client then never sees (a commit that happened, unacknowledged:
 * a grant's change answers within a millisecond of its commit, so a timer hardly ever lands between the two).
 */
type KillMode = 'request' | 'commit' | 'lost answer';

/** SIGKILLs the server where it was armed to. */
class KillSwitch {
  private sent = 0;
  private target = Number.POSITIVE_INFINITY;
  private mode: KillMode = 'request';
  private pending = false;
  /** How long each kind of commit takes here (a moving average), so kills spread over the whole life of each. */
  private readonly commitMs = new Map<string, number>();
  fired = false;
  constructor(private readonly server: () => RunningServer, private readonly random: (below: number) => number) {}

  /** The kill comes after request number `afterRequests` from now or, unless `mode` is 'request', the first commit from then on. */
  arm(afterRequests: number, mode: KillMode): void {
    this.target = this.sent + afterRequests;
    this.mode = mode;
    this.fired = false;
    this.pending = false;
  }

  /**
   * Counts a request; the chosen one starts the timer (the kill may land before, during or after it), or,
   * in 'lost answer' mode, is answered true: the caller must call loseAnswer() once its answer is in.
   */
  onRequest(method: string, url: string): boolean {
    this.sent += 1;
    const kind = commitKind(method, url);
    if (this.pending || this.sent < this.target || (this.mode !== 'request' && kind === null)) return false;
    this.pending = true;
    const verbose = process.env.FAULT_VERBOSE === '1';
    if (this.mode === 'lost answer') {
      if (verbose) console.log(`kill ${method} ${url.slice(-40)} once answered (${kind ?? ''})`);
      return true;
    }
    const commitMs = this.commitMs.get(kind ?? '') ?? DEFAULT_COMMIT_MS;
    const delayMs = this.mode === 'commit' ? this.random(Math.ceil(commitMs * 1.2) + 1) : this.random(MAX_DELAY_MS + 1);
    const victim = this.server();
    if (verbose) console.log(`kill ${method} ${url.slice(-40)} +${String(delayMs)} ms (${kind ?? 'request'}: ~${commitMs.toFixed(0)} ms)`);
    setTimeout(() => {
      this.fired = true;
      void victim.kill();
    }, delayMs);
    return false;
  }

  /** Kills the server now; the answer in hand is dropped, as if the connection had died with the server. */
  async loseAnswer(answer: Response): Promise<never> {
    this.fired = true;
    await this.server().kill();
    await answer.body?.cancel();
    throw new TypeError('the server was killed before its answer was read');
  }

  /** Learns how long a commit-like request took. */
  onAnswer(method: string, url: string, ms: number): void {
    const kind = commitKind(method, url);
    if (kind !== null) this.commitMs.set(kind, 0.7 * (this.commitMs.get(kind) ?? ms) + 0.3 * ms);
  }
}

/** Half the kills after a request, half at a commit (a quarter with the answer lost). */
const KILL_MODES: readonly KillMode[] = ['request', 'request', 'commit', 'lost answer'];

const random = seededRandom(SEED);
const staticDir = stubStaticDir();
const dataDir = mkdtempSync(join(tmpdir(), 'faults-data-'));
/** PostgreSQL only: this file's database. */
let database: TestDatabase | undefined;
/** What every spawned server adds to its environment: DATABASE_URL and SERVER_SECRET on PostgreSQL. */
let serverEnv: Record<string, string> = {};
const stored = (): StoredState => ({ dataDir, databaseUrl: database?.url });
let server: RunningServer;
const killSwitch = new KillSwitch(() => server, random);
/** The next servers, loading their code while the rounds before them run (one load takes seconds). */
const standbys: StandbyServer[] = [];
const STANDBY_DEPTH = 2;
let standbysSpawned = 0;

/** Spawns standbys until STANDBY_DEPTH wait, or until every remaining restart has one. */
function topUpStandbys(): void {
  while (standbys.length < STANDBY_DEPTH && standbysSpawned < ROUNDS) {
    standbys.push(standbyServer(dataDir, staticDir, serverEnv));
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
const ownerPins = memoryPinStore();
/** The practitioner's bundle, from the directory once. */
let recipient: PublicKeyBundle;
let grant: GrantModel | null = null;
/** The practitioner: its account, session token, pins and heads, kept across every restart. */
let practitioner: UnlockedAccount;
let practitionerToken = '';
const practitionerPins = memoryPinStore();
const practitionerState = newSharedState();
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
      const loseAnswer = killSwitch.onRequest(method, target);
      const sent = performance.now();
      const response = await fetch(target, init);
      if (loseAnswer) return killSwitch.loseAnswer(response);
      killSwitch.onAnswer(method, target, performance.now() - sent);
      return response;
    },
  });
}

/** The practitioner's client on the server's current URL (not counted by the kill switch: it only reads). */
function practitionerApi(): ApiClient {
  return createApiClient(server.url, { token: practitionerToken });
}

beforeAll(async () => {
  console.log(`faults/sigkill (${TEST_ENGINE}): seed ${String(SEED)}, ${String(ROUNDS)} kills (FAULT_SEED, FAULT_ROUNDS)`);
  if (TEST_ENGINE === 'postgres') {
    database = await createTestDatabase(inject('pgTemplate'));
    serverEnv = { DATABASE_URL: database.url, SERVER_SECRET: randomBytes(32).toString('base64url') };
  } else if (process.env.DATABASE_URL !== undefined) {
    throw new Error('faults/sigkill on SQLite audits DATA_DIR/vault.sqlite3: run it without DATABASE_URL');
  }
  server = await startServer(dataDir, staticDir, serverEnv);
  const own = createApiClient(server.url);
  await signUp(own, PRACTITIONER, PASSWORD, 'fr', 'practitioner');
  practitioner = await logIn(own, PRACTITIONER, PASSWORD);
  practitionerToken = own.token ?? '';
  await publishPractitionerProfile(own, PRACTITIONER_PROFILE);
  api = clientFor(server.url, undefined);
  await signUp(api, ACCOUNT, PASSWORD);
  account = await logIn(api, ACCOUNT, PASSWORD);
  recipient = (await fetchPractitioner(api, PRACTITIONER)).bundle;
}, 60_000);

afterAll(async () => {
  await Promise.all(standbys.map((spare) => spare.discard()));
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(staticDir, { recursive: true, force: true });
  await database?.drop();
});

function plaintext(): Uint8Array {
  // Sometimes empty, sometimes exactly a few ranges, mostly anything in between.
  const sizes = [0, CHUNK_BYTES, 3 * CHUNK_BYTES, random(MAX_PLAINTEXT + 1)];
  return new Uint8Array(randomBytes(sizes[random(4) === 0 ? random(3) : 3] ?? 0));
}

function pickOperation(): InFlight {
  const ids = [...model.keys()];
  if (ids.length > 0 && random(100) < SHARE_PERCENT) return pickShareOperation(ids);
  const roll = random(100);
  if (ids.length === 0 || (roll < 45 && ids.length < MAX_DOCUMENTS)) return { kind: 'create', bytes: plaintext() };
  const documentId = ids[random(ids.length)] ?? '';
  return roll < 75 ? { kind: 'version', documentId, bytes: plaintext() } : { kind: 'delete', documentId };
}

/**
 * A new share of some documents when there is none; else a change of one document (in or out), or a
 * revocation (also when the change would leave nothing shared).
 */
function pickShareOperation(ids: readonly string[]): InFlight {
  if (grant === null) {
    const documents = new Set([ids[random(ids.length)] ?? '']);
    for (const documentId of ids) if (random(2) === 0) documents.add(documentId);
    return { kind: 'share', documents };
  }
  const documents = new Set(grant.documents);
  const toggled = ids[random(ids.length)] ?? '';
  if (!documents.delete(toggled)) documents.add(toggled);
  if (documents.size === 0 || random(3) === 0) return { kind: 'revoke', grantId: grant.grantId };
  return { kind: 'update', grantId: grant.grantId, documents };
}

/** Shares `documents` with the practitioner (a new grant), or changes the grant to cover them. */
async function shareDocuments(documents: ReadonlySet<string>, grantId?: string): Promise<string> {
  const vault = await openVault(api, account, state);
  try {
    if (grantId !== undefined) {
      await updateShare(api, account, state, vault, { grantId, documentIds: [...documents] });
      return grantId;
    }
    const scope = { kind: 'documents' } as const;
    return (await shareWith(api, account, state, ownerPins, vault, { recipient, scope, documentIds: [...documents], endsAt: null })).grantId;
  } finally {
    forgetFileKeys(vault);
  }
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
  } else if (operation.kind === 'delete') {
    await deleteDocument(api, account, state, operation.documentId);
    model.delete(operation.documentId);
    grant?.documents.delete(operation.documentId);
  } else if (operation.kind === 'share') {
    grant = { grantId: await shareDocuments(operation.documents), documents: operation.documents };
  } else if (operation.kind === 'update') {
    await shareDocuments(operation.documents, operation.grantId);
    grant = { grantId: operation.grantId, documents: operation.documents };
  } else {
    await revokeShare(api, account, state, operation.grantId);
    grant = null;
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
 * the model with the operation's outcome applied, and whether the operation committed.
 */
async function reconcileDocuments(listed: readonly DocumentEntry[], interrupted: InFlight | null, everyVersion: boolean): Promise<{ next: Model; committed: boolean }> {
  const next: Model = new Map();
  let committed = false;
  for (const entry of listed) {
    let versions = model.get(entry.documentId);
    if (versions === undefined) {
      expect(interrupted?.kind, `unexpected document ${entry.documentId}`).toBe('create');
      expect(committed, 'two unexpected documents').toBe(false);
      versions = interrupted?.kind === 'create' ? [interrupted.bytes] : [];
      committed = true;
    } else if (interrupted?.kind === 'version' && interrupted.documentId === entry.documentId && entry.version === versions.length + 1) {
      versions = [...versions, interrupted.bytes];
      committed = true;
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
    committed = true;
  }
  return { next, committed };
}

/** A grant as compared: its id and its documents, sorted; null for no grant. */
type GrantShape = { grantId: string; documents: string[] } | null;

const shape = (grantId: string, documents: Iterable<string>): GrantShape => ({ grantId, documents: [...documents].sort() });
const sameShape = (a: GrantShape, b: GrantShape) => JSON.stringify(a) === JSON.stringify(b);

/** The grant an interrupted share operation leaves when it committed whole; undefined for other operations. */
function wholeShare(interrupted: InFlight | null, seenGrantId: string | undefined): GrantShape | undefined {
  const live = (documents: Iterable<string>) => [...documents].filter((documentId) => model.has(documentId));
  if (interrupted?.kind === 'share') return shape(seenGrantId ?? 'a new grant', live(interrupted.documents));
  if (interrupted?.kind === 'update') return shape(interrupted.grantId, live(interrupted.documents));
  if (interrupted?.kind === 'revoke') return null;
  return undefined;
}

/** The practitioner's grant from this owner, verified by the client core down to every listed document. */
async function sharedWithPractitioner(): Promise<{ grantId: string; documents: SharedDocument[] } | null> {
  const patients = await listSharedWithMe(practitionerApi(), practitioner, practitionerPins, practitionerState);
  const grants = patients.flatMap((patient) => patient.grants);
  expect(grants.length, 'grants the practitioner sees').toBeLessThanOrEqual(1);
  return grants[0] ?? null;
}

async function sharedBytes(grantId: string, documentId: string, version: number): Promise<Uint8Array> {
  const download = await openSharedPayload(practitionerApi(), practitioner, practitionerPins, practitionerState, { grantId, documentId, version });
  return new Uint8Array(await new Response(download.stream).arrayBuffer());
}

/**
 * Compares what the practitioner sees with the acknowledged grant (the model's documents only) and the
 * interrupted operation, and opens each shared document's current version (every listed version with
 * `everyVersion`) against the model. Updates the grant model; returns whether a share operation committed.
 */
async function reconcileShare(interrupted: InFlight | null, everyVersion: boolean): Promise<boolean> {
  const seen = await sharedWithPractitioner();
  const observed = seen === null ? null : shape(seen.grantId, seen.documents.map((document) => document.documentId));
  const previous = grant === null ? null : shape(grant.grantId, grant.documents);
  const whole = wholeShare(interrupted, seen?.grantId);
  let committed = false;
  if (whole !== undefined && !sameShape(observed, previous)) {
    expect(observed, `the interrupted ${interrupted?.kind ?? ''}: whole, or else the previous share ${JSON.stringify(previous)}`).toEqual(whole);
    grant = whole === null ? null : { grantId: whole.grantId, documents: new Set(whole.documents) };
    committed = true;
  } else {
    expect(observed, 'the acknowledged share').toEqual(previous);
  }
  for (const document of seen?.documents ?? []) {
    const versions = model.get(document.documentId) ?? [];
    expect(document.version, `shared version of ${document.documentId}`).toBe(versions.length);
    for (const version of everyVersion ? document.versions : [document.version]) {
      const label = `shared ${document.documentId} v${String(version)}`;
      expect(await sharedBytes(document.grantId, document.documentId, version), label).toEqual(versions[version - 1]);
    }
  }
  return committed;
}

/** Checks the owner's documents, then the practitioner's share, and counts the interrupted operation's outcome. */
async function verify(interrupted: InFlight | null, everyVersion = false): Promise<void> {
  const documents = await timed('verify', async () => reconcileDocuments(await listDocuments(api, account, state), interrupted, everyVersion));
  model = documents.next;
  // Deleted documents leave the grant.
  if (grant !== null) grant.documents = new Set([...grant.documents].filter((documentId) => model.has(documentId)));
  const shareCommitted = await timed('verify share', () => reconcileShare(interrupted, everyVersion));
  if (interrupted === null) return;
  const key = `${interrupted.kind} ${documents.committed || shareCommitted ? 'committed' : 'absent'}`;
  outcomes[key] = (outcomes[key] ?? 0) + 1;
}

async function sessionStillValid(token: string | undefined): Promise<number> {
  const response = await fetch(`${server.url}api/sessions/current`, { headers: { authorization: `Bearer ${token ?? ''}` } });
  await response.body?.cancel();
  return response.status;
}

it(`keeps every committed document and share, and never shows half of one, across ${String(ROUNDS)} SIGKILLs`, async () => {
  const started = Date.now();
  let rolledForward = 0;
  topUpStandbys();
  let interrupted: InFlight | null = null;
  for (let round = 0; round < ROUNDS; round += 1) {
    await verify(interrupted);
    expect(await auditStoredAfterSweep(stored()), `round ${String(round)}, after the sweep`).toEqual([]);

    killSwitch.arm(1 + random(MAX_REQUESTS), KILL_MODES[random(KILL_MODES.length)] ?? 'request');
    interrupted = await timed('work', runUntilKilled);
    await server.kill();
    expect(await auditStoredAfterCrash(stored()), `round ${String(round)}, right after the kill`).toEqual([]);
    rolledForward += await storedUnpublishedCommits(stored());

    server = await timed('restart', takeStandby().start);
    api = clientFor(server.url, api.token);
    expect(await sessionStillValid(api.token), 'the owner\'s token of before the crash').toBe(200);
    expect(await sessionStillValid(practitionerToken), 'the practitioner\'s token of before the crash').toBe(200);
    if (round % RELOGIN_EVERY === RELOGIN_EVERY - 1) account = await timed('login', () => logIn(api, ACCOUNT, PASSWORD));
  }
  await verify(interrupted, true);
  account = await logIn(api, ACCOUNT, PASSWORD);
  expect((await listDocuments(api, account, state)).length).toBe(model.size);
  // A new session of the practitioner sees the same share.
  const fresh = createApiClient(server.url);
  practitioner = await logIn(fresh, PRACTITIONER, PASSWORD);
  practitionerToken = fresh.token ?? '';
  const seen = await sharedWithPractitioner();
  expect(seen === null ? null : shape(seen.grantId, seen.documents.map((document) => document.documentId))).toEqual(grant === null ? null : shape(grant.grantId, grant.documents));
  await server.stop();
  expect(await auditStoredAfterSweep(stored()), 'after the last graceful stop').toEqual([]);
  const counts = await storedCounts(stored());
  const shared = grant === null ? 'no share' : `a share of ${String(grant.documents.size)}`;
  console.log(`faults/sigkill (${TEST_ENGINE}): ${String(ROUNDS)} kills in ${String(Date.now() - started)} ms; interrupted: ${JSON.stringify(outcomes)}; blobs rolled forward: ${String(rolledForward)}; ms per phase: ${JSON.stringify(spent)}; end: ${String(model.size)} documents, ${shared}, ${JSON.stringify(counts)}`);
  expect(Object.values(outcomes).reduce((sum, count) => sum + count, 0)).toBe(ROUNDS);
}, ROUNDS * 20_000 + 30_000);
