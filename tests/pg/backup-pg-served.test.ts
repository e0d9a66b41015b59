// Issue 6, backups on PostgreSQL, end to end: a real server on a fresh PostgreSQL database (migrated by the
// server itself) and its own DATA_DIR/blobs, patients who sign up and upload through the real client core;
// `vault-server backup --database-url --blobs` run through cli() while a patient keeps uploading and another
// upload is half sent; `vault-server restore` into a second fresh database and blob folder; a second server
// started on them with the same server secret; and every version of every document of every patient read
// back through it by the client core, bytes equal, with the listing and the access history verified.
// Which uploads the backup holds is made certain, not left to timing: the test holds a lock on a table only
// pg_dump reads (drizzle's migration log), so pg_dump, whose snapshot is already taken, waits; uploads
// committed while it waits are after the snapshot and must be missing from the restore, uploads
// acknowledged before the backup began must be there, and the ones in between either wholly there or not.
// Runs once, in the "sqlite" project: it makes its own databases and drops them all.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, type UnlockedAccount } from '../../client/core/account.ts';
import type { ApiClient } from '../../client/core/api.ts';
import { deleteDocument, downloadDocument, listDocuments, type DocumentEntry } from '../../client/core/documents.ts';
import { accessHistory } from '../../client/core/history.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { EXIT } from '../../server/cli/messages.ts';
import { cli } from '../../server/cli/vault-server.ts';
import { call, START, startServer, type TestServer } from '../integration/harness.ts';
import { captureIo, clientFor, Gate, newPatient, PASSWORD, random, upload, type Patient } from '../integration/backup-patients.ts';
import { countRows } from '../integration/stored-rows.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/** Trust auth ignores it; no line the commands print may show it. */
const DUMMY_PASSWORD = 'dummy-Pa55word-7be2';
const withPassword = (url: string): string => Object.assign(new URL(url), { password: DUMMY_PASSWORD }).href;
/** Read by pg_dump and by nothing the running server does: locking it holds pg_dump after its snapshot. */
const PG_DUMP_ONLY_TABLE = 'drizzle.__drizzle_migrations';
/** With PostgreSQL the secret is SERVER_SECRET (README), given to both servers: a backup never holds it. */
const SERVER_SECRET = new Uint8Array(randomBytes(32));

/** documentId -> plaintext of version 1, 2, ... */
type Model = Patient['documents'];

/**
 * Uploads through the client core one after another, alternately a new document and a second version of
 * it. `acknowledged` holds them in commit order; `started` counts those begun (at most one more).
 */
class Writer {
  readonly acknowledged: { documentId: string; plaintext: Uint8Array }[] = [];
  started = 0;
  private stopped = false;
  private failure: Error | null = null;
  private readonly waiters: (() => void)[] = [];
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly patient: Patient) {}

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        this.started += 1;
        const previous = this.acknowledged.at(-1);
        const plaintext = random(3_000 + this.acknowledged.length * 100);
        const documentId = await upload(this.patient, plaintext, this.acknowledged.length % 2 === 1 ? previous!.documentId : undefined);
        this.acknowledged.push({ documentId, plaintext });
        this.wakeAll();
      }
    })().catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.wakeAll();
    });
  }

  /** Resolves once `count` uploads are acknowledged in all. */
  async until(count: number): Promise<void> {
    while (this.acknowledged.length < count) {
      if (this.failure !== null) throw this.failure;
      await new Promise<void>((wake) => this.waiters.push(wake));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    if (this.failure !== null) throw this.failure;
  }

  /** What the vault holds once the first `count` uploads are committed. */
  modelAfter(count: number): Model {
    const model: Model = new Map();
    for (const { documentId, plaintext } of this.acknowledged.slice(0, count)) model.set(documentId, [...(model.get(documentId) ?? []), plaintext]);
    return model;
  }

  private wakeAll(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

let work: string;
const databases: TestDatabase[] = [];
const servers: TestServer[] = [];
let sourceDatabase: TestDatabase;
let source: TestServer;
let restored: TestServer;
let alice: Patient;
let bob: Patient;
let carol: Patient;
const gate = new Gate();
/** Carol's uploads, running from before the backup to after it. */
let running: Writer | undefined;
let backupDir: string;
/** Alice's access-history head, verified and signed before the backup. */
let aliceHistoryBefore: VaultState['history'];
/** Carol's uploads acknowledged before the backup began, and begun before pg_dump was seen waiting. */
let ackedBeforeBackup = 0;
let startedBeforeHold = 0;
let backupLines: string[] = [];

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

async function serve(dataDir: string, databaseUrl: string): Promise<TestServer> {
  const server = await startServer({ serverSecret: SERVER_SECRET }, dataDir, START, databaseUrl);
  servers.push(server);
  return server;
}

const listingOf = (entries: readonly Pick<DocumentEntry, 'documentId' | 'version'>[]) => entries.map((entry) => `${entry.documentId}@${String(entry.version)}`).sort();
const listingOfModel = (model: Model) => [...model].map(([documentId, versions]) => `${documentId}@${String(versions.length)}`).sort();

/** Every version of every document in `model`, read through the client core: bytes equal. Returns what was read. */
async function readModel(api: ApiClient, account: UnlockedAccount, state: VaultState, model: Model): Promise<string[]> {
  const read: string[] = [];
  for (const [documentId, versions] of model) {
    for (const [index, expected] of versions.entries()) {
      const download = await downloadDocument(api, account, state, documentId, { version: index + 1 });
      expect(new Uint8Array(await new Response(download.stream).arrayBuffer())).toEqual(expected);
      read.push(`${documentId}@${String(index + 1)}`);
    }
  }
  return read;
}

/** Polls `check` every 10 ms until true; fails after `ms`, or as soon as `failed()` has something to say. */
async function waitFor(check: () => Promise<boolean>, failed: () => string | undefined, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    const failure = failed();
    if (failure !== undefined) throw new Error(`gave up waiting: ${failure}`);
    if (Date.now() > deadline) throw new Error('gave up waiting: timeout');
    await new Promise((wake) => setTimeout(wake, 10));
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'coffre-backup-pg-served-'));
  sourceDatabase = await freshDatabase();
  source = await serve(mkdtempSync(join(work, 'source-')), sourceDatabase.url);
  expect(source.state.storage.engine).toBe('postgres');
  alice = await newPatient(source, 'alice@example.org');
  bob = await newPatient(source, 'bob@example.org', gate);
  carol = await newPatient(source, 'carol@example.org');
  const first = await upload(alice, random(150_000));
  await upload(alice, random(70_000), first);
  await upload(alice, random(9_000), first);
  const doomed = await upload(alice, random(40_000));
  await upload(alice, random(3_000));
  await deleteDocument(alice.api, alice.account, alice.state, doomed);
  alice.documents.delete(doomed);
  const bobs = await upload(bob, random(20_000));
  await upload(bob, random(25_000), bobs);
  // Alice reads a version: her history has events, whose head she verifies and signs before the backup.
  await new Response((await downloadDocument(alice.api, alice.account, alice.state, first, { version: 2 })).stream).arrayBuffer();
  await accessHistory(alice.api, alice.account, alice.state);
  aliceHistoryBefore = alice.state.history;
}, 60_000);

afterAll(async () => {
  await running?.stop().catch(() => undefined);
  gate.release();
  for (const server of servers) await server.close();
  for (const database of databases) await database.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('PostgreSQL backup of a serving server, restored and read by the client', () => {
  it('backs up through the command line while a patient uploads and another upload is half sent', async () => {
    const writer = new Writer(carol);
    writer.start();
    running = writer;
    await writer.until(2);
    // Bob's upload stops after its first range: a live upload row, left out of the backup.
    gate.armed = true;
    const bobsLate = upload(bob, random(200_000));
    await gate.reached;

    const holder = new pg.Client({ connectionString: sourceDatabase.url });
    await holder.connect();
    let backupDone = false;
    const io = captureIo();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${PG_DUMP_ONLY_TABLE} IN ACCESS EXCLUSIVE MODE`);
      backupDir = join(work, 'backup');
      ackedBeforeBackup = writer.acknowledged.length;
      const backup = cli(['backup', '--out', backupDir, '--database-url', withPassword(sourceDatabase.url), '--blobs', join(source.dataDir, 'blobs')], io)
        .finally(() => { backupDone = true; });
      // pg_dump waits for the lock: its snapshot (exported by the backup's own transaction) is already taken.
      await waitFor(async () => (await holder.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = '${PG_DUMP_ONLY_TABLE}'::regclass`)).rows[0]!.n > 0,
        () => (backupDone ? `the backup ended first: ${io.errors()}` : undefined));
      startedBeforeHold = writer.started;
      // Two uploads begun after the snapshot, acknowledged while pg_dump waits: neither may be restored.
      await writer.until(startedBeforeHold + 2);
      await holder.query('COMMIT');
      expect(await backup, io.errors()).toBe(EXIT.ok);
    } finally {
      await holder.end();
    }
    gate.release();
    const bobsLateId = await bobsLate;
    bob.documents.delete(bobsLateId);
    await writer.stop();

    backupLines = io.lines;
    const printed = `${io.lines.join('\n')}\n${io.errors()}`;
    expect(printed).toContain('Backup complete');
    expect(printed).not.toContain('attempts');
    expect(printed).toContain('not backed up, keep it separately');
    expect(printed).not.toContain(DUMMY_PASSWORD);
    const manifest = readFileSync(join(backupDir, 'manifest.json'), 'utf8');
    expect(manifest).not.toContain(DUMMY_PASSWORD);
    expect((JSON.parse(manifest) as { database: { engine: string } }).database.engine).toBe('postgresql');
    expect(ackedBeforeBackup).toBeGreaterThanOrEqual(2);
  });

  it('restores into a fresh database and blob folder; a server on them serves every version, bytes equal', async () => {
    const target = await freshDatabase();
    const dataDir = mkdtempSync(join(work, 'restored-'));
    const io = captureIo();
    expect(await cli(['restore', '--from', backupDir, '--database-url', withPassword(target.url), '--blobs', join(dataDir, 'blobs')], io), io.errors()).toBe(EXIT.ok);
    expect(io.lines.join('\n')).toContain('with the same SERVER_SECRET');
    expect(`${io.lines.join('\n')}\n${io.errors()}`).not.toContain(DUMMY_PASSWORD);

    // Started with the same SERVER_SECRET, as the command says: unknown ids get the same fake salts as before.
    restored = await serve(dataDir, target.url);
    expect(await countRows(restored.state.storage, restored.state.storage.tables.uploads)).toBe(0);
    const preLogin = async (server: TestServer) => (await call(server, 'POST', '/api/accounts/pre-login', { json: { accountId: 'nobody@example.org' } })).json() as Promise<unknown>;
    expect(await preLogin(restored)).toEqual(await preLogin(source));

    // Alice and Bob: exactly what they had at the snapshot; Alice's history extends the head she signed.
    for (const patient of [alice, bob]) {
      const api = clientFor(restored);
      const account = await logIn(api, patient.accountId, PASSWORD);
      const state: VaultState = patient === alice ? { history: aliceHistoryBefore } : {};
      expect(listingOf(await listDocuments(api, account, state))).toEqual(listingOfModel(patient.documents));
      const read = await readModel(api, account, state, patient.documents);
      const events = await accessHistory(api, account, state);
      const since = events.filter((event) => event.sequence > (patient === alice ? aliceHistoryBefore!.sequence : 0));
      expect(since.filter((event) => event.action === 'payload-read').map((event) => `${event.documentId}@${String(event.version)}`).sort()).toEqual([...read].sort());
    }

    // Carol: the uploads of some prefix of her commits, each whole: all those acknowledged before the backup
    // began, none begun after its snapshot.
    const api = clientFor(restored);
    const writer = running!;
    const account = await logIn(api, carol.accountId, PASSWORD);
    const state: VaultState = {};
    const listed = listingOf(await listDocuments(api, account, state));
    const prefixes = Array.from({ length: startedBeforeHold - ackedBeforeBackup + 1 }, (_, index) => ackedBeforeBackup + index)
      .filter((count) => JSON.stringify(listingOfModel(writer.modelAfter(count))) === JSON.stringify(listed));
    expect(prefixes, `listing ${JSON.stringify(listed)}`).toHaveLength(1);
    const atSnapshot = writer.modelAfter(prefixes[0]!);
    await readModel(api, account, state, atSnapshot);
    await accessHistory(api, account, state);
    // Carol's device saw her later uploads' signed vault manifest: it flags the restored one as a rollback.
    await expect(listDocuments(api, account, { head: carol.state.head! })).rejects.toMatchObject({ code: 'ROLLBACK' });

    // The backup held the snapshot's blobs and no other: one file per version.
    const versions = [alice.documents, bob.documents, atSnapshot].flatMap((model) => [...model.values()]).reduce((sum, list) => sum + list.length, 0);
    expect(backupLines.join('\n')).toContain(`Backup complete: ${String(versions)} encrypted file(s)`);
    expect(readdirSync(join(dataDir, 'blobs')).filter((name) => name !== 'tmp')).toHaveLength(versions);
  });
});
