// Issue 6, backups on PostgreSQL: real storage (the real app and client core, tests/audit/fixture.ts) copied
// into PostgreSQL, backed up while a writer keeps committing documents and their blobs, including inside
// the exported snapshot's transaction; restored into a fresh database and blob folder, and compared table
// by table, row by row, sequence by sequence, blob by blob (SHA-256) with the source at the snapshot.
// Then refusals: an occupied database or blob folder, a damaged dump, a backup of the other engine, an
// unreachable database whose URL holds a password that no message may show. Every database is dropped.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError } from '../../server/backup/errors.ts';
import { withoutPassword } from '../../shared/database-url.ts';
import { createBackup } from '../../server/backup/snapshot.ts';
import { EXIT } from '../../server/cli/messages.ts';
import { cli } from '../../server/cli/vault-server.ts';
import { buildCleanStorage, type CleanStorage } from '../audit/fixture.ts';
import { captureIo } from '../integration/backup-patients.ts';
import { copySqliteStorageToPg, type PgStorageCopy } from './copy-sqlite-to-pg.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/** Trust auth ignores it; it must reach the tools through PGPASSWORD and never show in a message. */
const DUMMY_PASSWORD = 'dummy-Pa55word-c41e';
const withPassword = (url: string): string => Object.assign(new URL(url), { password: DUMMY_PASSWORD }).href;

let work: string;
let clean: CleanStorage;
let source: PgStorageCopy;
let backupDir: string;
const databases: TestDatabase[] = [];

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Every row of every table (public and drizzle's migration log) as sorted JSON, and every sequence's mark. */
async function contents(url: string): Promise<Record<string, string[]>> {
  return withClient(url, async (client) => {
    const tables = await client.query<{ schema: string; name: string }>(
      "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema IN ('public', 'drizzle') AND table_type = 'BASE TABLE' ORDER BY 1, 2");
    const result: Record<string, string[]> = {};
    for (const { schema, name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${schema}"."${name}" t`);
      result[`${schema}.${name}`] = rows.rows.map((row) => row.row).sort();
    }
    const sequences = await client.query<{ name: string; last: string | null }>('SELECT schemaname || \'.\' || sequencename AS name, last_value::text AS last FROM pg_sequences ORDER BY 1');
    result['(sequences)'] = sequences.rows.map((row) => `${row.name}=${row.last ?? 'unset'}`);
    return result;
  });
}

const blobIdsIn = (url: string) => withClient(url, async (client) =>
  (await client.query<{ blob_id: string }>('SELECT blob_id FROM document_versions ORDER BY blob_id')).rows.map((row) => row.blob_id));

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * Commits one document after another, each as the server does: its blob file first, then in one transaction
 * its documents and document_versions rows (metadata copied from a real version). `committed` lists them
 * in commit order.
 */
class Writer {
  readonly committed: string[] = [];
  private stopped = false;
  private failure: Error | null = null;
  private readonly waiters: (() => void)[] = [];
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly url: string, private readonly blobsDir: string) {}

  start(): void {
    this.loop = withClient(this.url, async (client) => {
      while (!this.stopped) {
        await this.insert(client);
        this.wakeAll();
      }
    }).catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.wakeAll();
    });
  }

  private wakeAll(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves once `count` more documents have committed. */
  async more(count: number): Promise<void> {
    const target = this.committed.length + count;
    while (this.committed.length < target) {
      if (this.failure !== null) throw this.failure;
      await new Promise<void>((wake) => this.waiters.push(wake));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    if (this.failure !== null) throw this.failure;
  }

  private async insert(client: pg.Client): Promise<void> {
    const documentId = randomBytes(16).toString('hex');
    const blobId = randomBytes(16).toString('hex');
    const payload = randomBytes(2_000 + this.committed.length);
    writeFileSync(join(this.blobsDir, blobId), payload);
    const now = Date.now();
    await client.query('BEGIN');
    await client.query('INSERT INTO documents (vault_id, id, current_version, created_at, updated_at) SELECT id, $1, 1, $2, $2 FROM vaults ORDER BY id LIMIT 1', [documentId, now]);
    await client.query(`INSERT INTO document_versions (vault_id, document_id, version, blob_id, payload_size, author_account_id, metadata, manifest, created_at)
      SELECT vault_id, $1, 1, $2, $3, author_account_id, metadata, manifest, $4 FROM document_versions ORDER BY blob_id LIMIT 1`, [documentId, blobId, payload.length, now]);
    await client.query('COMMIT');
    this.committed.push(documentId);
  }
}

function readManifest(dir: string): { database: { engine: string; file: string; size: number; sha256: string }; serverSecret: unknown; blobs: { id: string; sha256: string }[] } {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ReturnType<typeof readManifest>;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'coffre-backup-pg-'));
  clean = await buildCleanStorage();
  source = await copySqliteStorageToPg(clean.dataDir);
}, 120_000);

afterAll(async () => {
  await source.drop();
  for (const database of databases) await database.drop();
  clean.remove();
  rmSync(work, { recursive: true, force: true });
});

describe('PostgreSQL backup while a writer commits, then restore into a fresh database', () => {
  const inSnapshot: string[] = [];
  let before: string[] = [];
  let target: TestDatabase;
  let targetBlobs: string;

  it('holds one committed state: the rows and the blobs it names match, nothing committed after the snapshot', async () => {
    // An upload in progress: its row and temporary blob are left out of a backup, as with SQLite.
    await withClient(source.url, (client) => client.query(
      "INSERT INTO uploads (id, vault_id, account_id, blob_id, size, received, created_at, expires_at) SELECT 'upload-in-progress', id, owner_account_id, $1, 10, 4, 1, 9999999999999 FROM vaults LIMIT 1",
      [randomBytes(16).toString('hex')]));
    const writer = new Writer(source.url, source.blobsDir);
    writer.start();
    await writer.more(3);
    before = [...writer.committed];
    backupDir = join(work, 'backup');
    try {
      const summary = await createBackup({
        databaseUrl: withPassword(source.url), blobsDir: source.blobsDir, outDir: backupDir,
        // Commits made while the exported snapshot is open, after its blob ids were read: not in the dump.
        testOnlyInSnapshot: async () => {
          const from = writer.committed.length;
          await writer.more(3);
          inSnapshot.push(...writer.committed.slice(from));
        },
        testOnlyAfterSnapshot: () => writer.more(3),
      });
      expect(summary).toMatchObject({ attempts: 1, secretIncluded: false });
    } finally {
      await writer.stop();
    }

    const manifest = readManifest(backupDir);
    expect(manifest.database).toMatchObject({ engine: 'postgresql', file: 'database.pgdump' });
    expect(manifest.serverSecret).toBeNull();
    expect(readdirSync(backupDir).sort()).toEqual(['blobs', 'database.pgdump', 'manifest.json']);
    expect(readdirSync(join(backupDir, 'blobs')).sort()).toEqual(manifest.blobs.map((blob) => blob.id).sort());

    target = await freshDatabase();
    targetBlobs = join(work, 'restored-blobs');
    const io = captureIo();
    expect(await cli(['restore', '--from', backupDir, '--database-url', withPassword(target.url), '--blobs', targetBlobs], io)).toBe(EXIT.ok);
    expect(io.lines.join('\n')).toContain('with the same SERVER_SECRET');

    // The dump's rows name exactly the blobs the backup holds, and those alone were restored.
    const restoredIds = await blobIdsIn(target.url);
    expect(restoredIds).toEqual(manifest.blobs.map((blob) => blob.id).sort());
    expect(readdirSync(targetBlobs).filter((name) => name !== 'tmp').sort()).toEqual(restoredIds);
    expect(readdirSync(join(targetBlobs, 'tmp'))).toEqual([]);

    // The writer's documents in the backup are a prefix of its commits: all those before, none inside the
    // snapshot's transaction or after it.
    const restoredDocuments = await withClient(target.url, async (client) => (await client.query<{ id: string }>('SELECT id FROM documents')).rows.map((row) => row.id));
    const kept = writer.committed.filter((id) => restoredDocuments.includes(id));
    expect(kept).toEqual(writer.committed.slice(0, kept.length));
    expect(kept).toEqual(expect.arrayContaining(before));
    expect(inSnapshot).toHaveLength(3);
    expect(inSnapshot.filter((id) => restoredDocuments.includes(id))).toEqual([]);
    expect(writer.committed.length).toBeGreaterThanOrEqual(before.length + 6);
  });

  it('restores every table row for row and every blob byte for byte, as the source was at the snapshot', async () => {
    const restored = await contents(target.url);
    // The source at the snapshot: without the documents committed after it, and without the upload in progress.
    const restoredDocuments = new Set(await withClient(target.url, async (client) => (await client.query<{ id: string }>('SELECT id FROM documents')).rows.map((row) => row.id)));
    await withClient(source.url, async (client) => {
      const all = (await client.query<{ id: string }>('SELECT id FROM documents')).rows.map((row) => row.id);
      await client.query('DELETE FROM documents WHERE id = ANY($1)', [all.filter((id) => !restoredDocuments.has(id))]);
      await client.query("DELETE FROM uploads WHERE id = 'upload-in-progress'");
    });
    const atSnapshot = await contents(source.url);
    expect(Object.keys(restored)).toEqual(Object.keys(atSnapshot));
    expect(Object.keys(restored)).toEqual(expect.arrayContaining(['public.access_events', 'public.document_versions', 'public.envelopes', 'drizzle.__drizzle_migrations']));
    for (const table of Object.keys(atSnapshot)) expect(restored[table], table).toEqual(atSnapshot[table]);
    expect(restored['public.document_versions']!.length).toBeGreaterThan(6);

    const manifest = readManifest(backupDir);
    for (const blob of manifest.blobs) {
      expect(sha256(join(targetBlobs, blob.id))).toBe(sha256(join(source.blobsDir, blob.id)));
      expect(blob.sha256).toBe(sha256(join(source.blobsDir, blob.id)));
    }
  });

  it('replaces an occupied database and blob folder only with --force, in one transaction', async () => {
    const io = captureIo();
    expect(await cli(['restore', '--from', backupDir, '--database-url', source.url, '--blobs', join(work, 'unused')], io)).toBe(EXIT.notEmpty);
    expect(io.errors()).toContain('Le dossier cible n’est pas vide');
    expect(existsSync(join(work, 'unused'))).toBe(false);

    // The restored target, changed since: --force brings it back to the backup, blobs included.
    const expected = await contents(target.url);
    await withClient(target.url, (client) => client.query('DELETE FROM documents'));
    writeFileSync(join(targetBlobs, 'stray'), 'old');
    expect(await cli(['restore', '--from', backupDir, '--database-url', target.url, '--blobs', targetBlobs, '--force'], captureIo())).toBe(EXIT.ok);
    expect(await contents(target.url)).toEqual(expected);
    expect(readdirSync(targetBlobs).filter((name) => name !== 'tmp').sort()).toEqual(await blobIdsIn(target.url));
    expect(readdirSync(work).filter((name) => name.includes('restored-blobs'))).toEqual(['restored-blobs']);
  });
});

describe('PostgreSQL restore refuses', () => {
  async function emptyTarget(): Promise<{ url: string; blobs: string; unchanged: () => Promise<void> }> {
    const database = await freshDatabase();
    const blobs = join(mkdtempSync(join(work, 'target-')), 'blobs');
    return {
      url: database.url, blobs,
      unchanged: async () => {
        expect(await withClient(database.url, async (client) => (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")).rows[0])).toEqual({ n: 0 });
        expect(readdirSync(join(blobs, '..'))).toEqual([]);
      },
    };
  }

  function damagedCopy(damage: (dump: string) => void, rewriteManifest: boolean): string {
    const copy = mkdtempSync(join(work, 'damaged-'));
    for (const name of readdirSync(backupDir, { recursive: true, withFileTypes: true })) {
      if (!name.isFile()) continue;
      const relative = join(name.parentPath, name.name).slice(backupDir.length);
      mkdirSync(join(copy, relative, '..'), { recursive: true });
      writeFileSync(join(copy, relative), readFileSync(join(name.parentPath, name.name)));
    }
    const dump = join(copy, 'database.pgdump');
    damage(dump);
    if (rewriteManifest) {
      const manifest = readManifest(copy);
      manifest.database.size = readFileSync(dump).length;
      manifest.database.sha256 = sha256(dump);
      writeFileSync(join(copy, 'manifest.json'), JSON.stringify(manifest));
    }
    return copy;
  }

  it('a non-empty blob folder beside an empty database', async () => {
    const target = await emptyTarget();
    mkdirSync(target.blobs);
    writeFileSync(join(target.blobs, 'keep'), 'previous');
    const io = captureIo();
    expect(await cli(['restore', '--from', backupDir, '--database-url', target.url, '--blobs', target.blobs], io)).toBe(EXIT.notEmpty);
    expect(readdirSync(target.blobs)).toEqual(['keep']);
  });

  it('a dump changed after the backup (its SHA-256 no longer matches): INTEGRITY, nothing restored', async () => {
    const copy = damagedCopy((dump) => {
      const bytes = readFileSync(dump);
      bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01;
      writeFileSync(dump, bytes);
    }, false);
    const target = await emptyTarget();
    const io = captureIo();
    expect(await cli(['restore', '--from', copy, '--database-url', target.url, '--blobs', target.blobs], io)).toBe(EXIT.badBackup);
    expect(io.errors()).toContain('Backup damaged or incomplete');
    await target.unchanged();
  });

  it('a truncated dump with a manifest that matches it: DATABASE_INVALID, nothing restored', async () => {
    const copy = damagedCopy((dump) => { truncateSync(dump, Math.floor(readFileSync(dump).length * 0.6)); }, true);
    const target = await emptyTarget();
    const io = captureIo();
    expect(await cli(['restore', '--from', copy, '--database-url', target.url, '--blobs', target.blobs], io)).toBe(EXIT.badBackup);
    expect(io.errors()).toContain('Backup database damaged');
    await target.unchanged();
  });

  it('a backup of the other engine, either way', async () => {
    const sqliteBackup = join(work, 'sqlite-backup');
    await createBackup({ dataDir: clean.dataDir, outDir: sqliteBackup });
    const target = await emptyTarget();
    const io = captureIo();
    expect(await cli(['restore', '--from', sqliteBackup, '--database-url', target.url, '--blobs', target.blobs], io)).toBe(EXIT.usage);
    expect(io.errors()).toContain('This backup is from another kind of database');
    await target.unchanged();
    const toData = captureIo();
    expect(await cli(['restore', '--from', backupDir, '--data', join(work, 'never')], toData)).toBe(EXIT.usage);
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('an unreachable database, and bad arguments; the password is never shown nor put on a command line', async () => {
    const missing = Object.assign(new URL(withPassword(source.url)), { pathname: '/vault_test_does_not_exist' }).href;
    const io = captureIo();
    expect(await cli(['backup', '--out', join(work, 'nowhere'), '--database-url', missing, '--blobs', source.blobsDir], io)).toBe(EXIT.unexpected);
    expect(io.errors()).toContain('The PostgreSQL database cannot be reached');
    expect(existsSync(join(work, 'nowhere'))).toBe(false);
    const error = await createBackup({ databaseUrl: missing, blobsDir: source.blobsDir, outDir: join(work, 'nowhere') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackupError);
    expect((error as BackupError).code).toBe('DATABASE_UNAVAILABLE');
    expect(String((error as BackupError).cause)).toContain('does not exist');
    expect(String((error as BackupError).cause)).not.toContain(DUMMY_PASSWORD);
    expect(io.errors()).not.toContain(DUMMY_PASSWORD);

    const forTool = withoutPassword(`postgres://vault:${encodeURIComponent('p@ss:wörd')}@db.example:5432/vault?sslmode=require`);
    expect(forTool).toEqual({ url: 'postgres://vault@db.example:5432/vault?sslmode=require', password: 'p@ss:wörd' });

    for (const args of [
      ['backup', '--out', join(work, 'x'), '--database-url', source.url],
      ['backup', '--out', join(work, 'x'), '--data', clean.dataDir, '--database-url', source.url, '--blobs', source.blobsDir],
      ['backup', '--out', join(work, 'x'), '--blobs', source.blobsDir],
      ['restore', '--from', backupDir, '--database-url', 'not a url', '--blobs', join(work, 'x')],
    ]) expect(await cli(args, captureIo()), args.join(' ')).toBe(EXIT.usage);
  });
});
