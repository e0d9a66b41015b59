// DESIGN property 4: a crash at any point of an upload or a delete leaves the old state or the new one.
// Failures are injected at each step (a faulty blob store, an aborting trigger), then the server is
// "restarted" on the same DATA_DIR: the start-up sweep must roll forward or clean up, never leave half.
// SQLite only: the aborting trigger is planted straight in DATA_DIR/vault.sqlite3 and the last test checks
// SQLite's own settings; vitest.config.ts keeps this file out of the "postgres" project.
import { randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore, ByteRange } from '../../server/storage/blob-store.ts';
import { openStorage, type Tables } from '../../server/storage/database.ts';
import { DATABASE_FILE, MIGRATIONS_FOLDER } from '../../server/storage/sqlite-database.ts';
import { beginUpload, call, commitBody, currentSequence, errorCode, newAccount, putChunk, randomB64, START, startServer, uploadDocument, type TestAccount, type TestServer } from './harness.ts';
import { countRows } from './stored-rows.ts';

type Step = 'sealTemp' | 'publish' | 'delete';

/** Delegates to the real store and throws at the chosen step, as a crash there would stop the work. */
class FaultyBlobStore implements BlobStore {
  constructor(private readonly inner: BlobStore, private readonly failAt: Step) {}
  createTemp(id: string) { return this.inner.createTemp(id); }
  writeTemp(id: string, offset: number, length: number, source: ReadableStream<Uint8Array>) { return this.inner.writeTemp(id, offset, length, source); }
  tempSize(id: string) { return this.inner.tempSize(id); }
  sealTemp(id: string) { return this.step('sealTemp', () => this.inner.sealTemp(id)); }
  publish(id: string) { return this.step('publish', () => this.inner.publish(id)); }
  read(id: string, range?: ByteRange) { return this.inner.read(id, range); }
  delete(id: string) { return this.step('delete', () => this.inner.delete(id)); }
  listTemp() { return this.inner.listTemp(); }
  private step(step: Step, run: () => Promise<void>): Promise<void> {
    return step === this.failAt ? Promise.reject(new Error(`simulated crash at ${step}`)) : run();
  }
}

let server: TestServer;
let alice: TestAccount;

beforeEach(async () => {
  server = await startServer();
  expect(server.state.storage.engine).toBe('sqlite');
  alice = await newAccount(server, 'alice@example.test');
});
afterEach(() => server.close());

/** Restarts on the same DATA_DIR (running the start-up sweep at `now`), keeping alice's bearer token. */
async function restart(now = START): Promise<void> {
  await server.close(true);
  const dataDir = server.dataDir;
  server = await startServer({}, dataDir, now);
}

/** An app on the same storage whose blob store fails at `step`. */
async function faultyApp(step: Step): Promise<TestServer> {
  const faulty = await startServer({ storage: server.state.storage, blobs: new FaultyBlobStore(server.state.blobs, step) }, server.dataDir);
  // Its app runs on `server`'s storage: the one startServer opened for it is closed at once, DATA_DIR kept.
  await faulty.close(true);
  return { ...faulty, close: () => Promise.resolve() };
}

function count(table: keyof Tables): Promise<number> {
  return countRows(server.state.storage, server.state.storage.tables[table]);
}

/** Runs `edit` on DATA_DIR/vault.sqlite3 through a connection of its own, as an operator on disk would. */
function onTheFile<T>(dataDir: string, edit: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, DATABASE_FILE), { fileMustExist: true });
  try {
    return edit(db);
  } finally {
    db.close();
  }
}

async function uploadedNotCommitted(target: TestServer, payload: Uint8Array): Promise<string> {
  const uploadId = await beginUpload(target, alice, payload.length);
  expect((await putChunk(target, alice, uploadId, payload, 0, payload.length - 1)).status).toBe(200);
  return uploadId;
}

describe('a failure between the blob write and the commit', () => {
  it('leaves no half document when sealing the blob fails, and the upload can be committed after a restart', async () => {
    const faulty = await faultyApp('sealTemp');
    const payload = new Uint8Array(randomBytes(5000));
    const uploadId = await uploadedNotCommitted(faulty, payload);
    const documentId = randomB64(16);
    const failed = await call(faulty, 'POST', `/api/vaults/${alice.vaultId}/uploads/${uploadId}/commit`, { token: alice.token, json: commitBody(documentId, 1, 1) });
    expect(failed.status).toBe(500);
    expect([await count('documents'), await count('documentVersions'), await count('envelopes')]).toEqual([0, 0, 0]);
    expect(await currentSequence(server, alice)).toBe(0);
    expect(server.state.blobs.listPublished()).toEqual([]);
    await restart();
    const retried = await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads/${uploadId}/commit`, { token: alice.token, json: commitBody(documentId, 1, 1) });
    expect(retried.status).toBe(201);
  });

  it('rolls the whole transaction back when it aborts half-way (after the document and version rows)', async () => {
    const uploadId = await uploadedNotCommitted(server, new Uint8Array(100));
    onTheFile(server.dataDir, (db) => db.exec("CREATE TRIGGER crash BEFORE INSERT ON envelopes BEGIN SELECT RAISE(ABORT, 'simulated crash'); END;"));
    const response = await call(server, 'POST', `/api/vaults/${alice.vaultId}/uploads/${uploadId}/commit`, { token: alice.token, json: commitBody(randomB64(16), 1, 1) });
    expect(response.status).toBe(500);
    expect([await count('documents'), await count('documentVersions'), await count('envelopes')]).toEqual([0, 0, 0]);
    expect(await count('uploads')).toBe(1);
    expect(await currentSequence(server, alice)).toBe(0);
    expect(server.state.blobs.listPublished()).toEqual([]);
  });

  it('sweeps the temporary blob of an upload that was never committed once the upload expires', async () => {
    await uploadedNotCommitted(server, new Uint8Array(100));
    expect(await server.state.blobs.listTemp()).toHaveLength(1);
    await restart(START + 1000);
    expect(await server.state.blobs.listTemp()).toHaveLength(1);
    await restart(START + 24 * 3_600_000);
    expect(server.state.sweep).toMatchObject({ expiredUploads: 1, orphansDeleted: 0 });
    expect(await server.state.blobs.listTemp()).toEqual([]);
    expect(await count('uploads')).toBe(0);
  });

  it('sweeps an orphan temporary file at start (a crash while an upload row was being created or removed)', async () => {
    const orphan = randomBytes(16).toString('hex');
    writeFileSync(join(server.dataDir, 'blobs', 'tmp', orphan), 'half a chunk');
    writeFileSync(join(server.dataDir, 'blobs', 'tmp', 'not-a-blob.txt'), 'left alone');
    await restart();
    expect(server.state.sweep.orphansDeleted).toBe(1);
    expect(await server.state.blobs.listTemp()).toEqual([]);
  });
});

describe('a failure between the commit and the rename', () => {
  it('rolls the committed version forward at start: the payload is readable, byte for byte', async () => {
    const faulty = await faultyApp('publish');
    const payload = new Uint8Array(randomBytes(70_000));
    const uploadId = await uploadedNotCommitted(faulty, payload);
    const documentId = randomB64(16);
    const response = await call(faulty, 'POST', `/api/vaults/${alice.vaultId}/uploads/${uploadId}/commit`, { token: alice.token, json: commitBody(documentId, 1, 1) });
    expect(response.status).toBe(500);
    expect(await count('documentVersions')).toBe(1);
    await restart();
    expect(server.state.sweep.rolledForward).toBe(1);
    const fetched = await call(server, 'GET', `/api/vaults/${alice.vaultId}/documents/${documentId}/versions/1/payload`, { token: alice.token });
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(Buffer.from(payload))).toBe(true);
    expect(await server.state.blobs.listTemp()).toEqual([]);
  });
});

describe('a failure between a delete and the removal of its blobs', () => {
  it('finishes removing the blobs of a deleted document at start', async () => {
    const documentId = await uploadDocument(server, alice, { payload: new Uint8Array(100) });
    const faulty = await faultyApp('delete');
    const response = await call(faulty, 'DELETE', `/api/vaults/${alice.vaultId}/documents/${documentId}`, { token: alice.token, json: { vaultManifest: { sequence: 2, manifest: randomB64(10) } } });
    expect(response.status).toBe(500);
    expect(await count('documents')).toBe(0);
    expect(await count('pendingBlobDeletions')).toBe(1);
    expect(server.state.blobs.listPublished()).toHaveLength(1);
    await restart();
    expect(server.state.sweep.pendingDeleted).toBe(1);
    expect(server.state.blobs.listPublished()).toEqual([]);
    expect(await count('pendingBlobDeletions')).toBe(0);
  });

  it('finishes removing the blobs of a deleted account at start', async () => {
    await uploadDocument(server, alice, { payload: new Uint8Array(100) });
    await uploadedNotCommitted(server, new Uint8Array(10));
    const faulty = await faultyApp('delete');
    const response = await call(faulty, 'DELETE', '/api/accounts/me', { token: alice.token, json: { authKey: alice.authKey } });
    expect(response.status).toBe(500);
    expect(await count('accounts')).toBe(0);
    await restart();
    expect(server.state.blobs.listPublished()).toEqual([]);
    expect(await server.state.blobs.listTemp()).toEqual([]);
    expect(await errorCode(await call(server, 'GET', '/api/vaults', { token: alice.token }))).toBe('UNAUTHENTICATED');
  });
});

describe('storage', () => {
  it('runs SQLite in WAL mode with foreign keys on, and migrations are idempotent', async () => {
    // Read on the server's own writer connection, where the pragmas were set.
    const pragmas = await server.state.storage.transaction(async (tx) => Promise.resolve({
      journalMode: tx.get<{ journal_mode: string }>(sql`PRAGMA journal_mode`).journal_mode,
      foreignKeys: tx.get<{ foreign_keys: number }>(sql`PRAGMA foreign_keys`).foreign_keys,
    }));
    expect(pragmas).toEqual({ journalMode: 'wal', foreignKeys: 1 });
    await (await openStorage({ dataDir: server.dataDir })).close();
    const migrations = readdirSync(MIGRATIONS_FOLDER).filter((name) => name.endsWith('.sql')).length;
    expect(migrations).toBeGreaterThanOrEqual(4);
    expect(onTheFile(server.dataDir, (db) => db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get())).toEqual({ n: migrations });
  });
});
