// vault-audit's PostgreSQL form over storage the real app wrote: a clean SQLite storage (the real app and
// client core) copied into PostgreSQL gives the same tables, rows and findings as the SQLite audit of its
// source, with no error and no canary; each leak seeded in PostgreSQL or its blob folder fails with the
// finding that names it (the PostgreSQL twins of tests/audit/storage.test.ts); the URL's password is never
// shown. Every case has its own database, created and dropped here.
import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditReport } from '../../tools/audit/audit.ts';
import { SCHEMA_COLUMNS } from '../../tools/audit/column-classes.ts';
import { cli } from '../../tools/audit/main.ts';
import { buildCleanStorage, CANARIES, type CleanStorage } from '../audit/fixture.ts';
import { REPO_ROOT } from '../paths.ts';
import { copySqliteStorageToPg, type PgStorageCopy } from './copy-sqlite-to-pg.ts';

const ALL_CANARIES = Object.values(CANARIES);
/** Trust auth ignores it; the audit must never print it. */
const DUMMY_PASSWORD = 'dummy-Pa55word-7f3a';
const run = promisify(execFile);
let clean: CleanStorage;
let base: PgStorageCopy;
const copies: PgStorageCopy[] = [];

beforeAll(async () => {
  clean = await buildCleanStorage();
  base = await copySqliteStorageToPg(clean.dataDir);
}, 120_000);

afterAll(async () => {
  for (const copy of [base, ...copies]) await copy.drop();
  clean.remove();
});

/** A copy of the clean storage in its own database, with `edit` applied to it over SQL. */
async function seeded(edit: (client: pg.Client) => Promise<unknown>): Promise<PgStorageCopy> {
  const copy = await copySqliteStorageToPg(clean.dataDir);
  copies.push(copy);
  const client = new pg.Client({ connectionString: copy.url });
  await client.connect();
  try {
    await edit(client);
  } finally {
    await client.end();
  }
  return copy;
}

const audit = (copy: PgStorageCopy, logs: string[] = []) => runAudit({ databaseUrl: copy.url, blobsDir: copy.blobsDir, canaries: ALL_CANARIES, logs });
const errorsOf = (report: AuditReport): string[] => report.findings.filter((finding) => finding.severity === 'ERROR').map((finding) => `${finding.code} @ ${finding.where}`);
const warningsOf = (report: AuditReport): string[] => report.findings.filter((finding) => finding.severity === 'WARN').map((finding) => `${finding.code} @ ${finding.where}`);
const rowCounts = (report: AuditReport) => Object.fromEntries(report.tables.filter((table) => table.name in SCHEMA_COLUMNS).map((table) => [table.name, table.rows]));
const snapshotHits = (report: AuditReport, copy: PgStorageCopy) => report.findings.filter((finding) => finding.code === 'canary-hit' && finding.where.startsWith(`${copy.url} snapshot copy @ byte `));
const withPassword = (url: string): string => Object.assign(new URL(url), { password: DUMMY_PASSWORD }).href;

describe('vault-audit over PostgreSQL', () => {
  it('ATK-34 clean storage copied into PostgreSQL: no error, zero canary hits, the same rows and findings as the SQLite audit of its source', async () => {
    const report = await audit(base);
    const fromSqlite = await runAudit({ dataDir: clean.dataDir, canaries: ALL_CANARIES, logs: [] });
    expect(errorsOf(report)).toEqual([]);
    expect(report.canaries).toMatchObject({ count: 3, hits: 0 });
    expect(report.canaries.filesScanned).toBe(4);
    expect(report).toMatchObject({ databaseUrl: base.url, blobsDir: base.blobsDir, blobs: { published: 3, temporary: 0 } });
    expect(rowCounts(report)).toEqual(rowCounts(fromSqlite));
    expect(rowCounts(report)).toMatchObject({ accounts: 1, vaults: 1, documents: 2, document_versions: 3, envelopes: 3 });
    expect(report.tables.map((table) => table.name).sort()).toEqual([...Object.keys(SCHEMA_COLUMNS), '__drizzle_migrations'].sort());
    expect(report.tables.every((table) => table.known && table.columns.every((column) => column.cls !== null))).toBe(true);
    const codes = (of: AuditReport) => of.findings.map((finding) => `${finding.severity} ${finding.code}`).sort();
    expect(codes(report)).toEqual(codes(fromSqlite));
  });

  it('ATK-34 a plaintext title column is an unknown column, and its canary is found in the snapshot', async () => {
    const copy = await seeded((client) => client.query('ALTER TABLE documents ADD COLUMN title text; UPDATE documents SET title = $$' + CANARIES.title + '$$'));
    const report = await audit(copy);
    expect(errorsOf(report)).toContain('unknown-column @ documents.title');
    expect(snapshotHits(report, copy).map((hit) => hit.message)).toEqual(['canary #2 found (raw form)', 'canary #2 found (raw form)']);
    const printed: string[] = [];
    const status = await cli(['--database-url', copy.url, '--blobs', copy.blobsDir], { out: (text) => printed.push(text), err: (text) => printed.push(text) });
    expect(status).toBe(1);
    expect(printed.join('\n')).toContain('ERROR unknown-column: documents.title: ');
  });

  it('an unknown table is an error even when empty, in public or in any other schema, or materialized; a view is a warning', async () => {
    const copy = await seeded((client) => client.query(`
      CREATE TABLE notes (id integer PRIMARY KEY, body text);
      CREATE SCHEMA archive; CREATE TABLE archive.titles (title text);
      CREATE MATERIALIZED VIEW document_ids AS SELECT id FROM documents;
      CREATE VIEW document_dates AS SELECT id, created_at FROM documents`));
    const report = await audit(copy);
    expect(errorsOf(report)).toEqual(['unknown-table @ archive.titles', 'unknown-table @ document_ids', 'unknown-table @ notes']);
    expect(warningsOf(report)).toEqual(['unknown-view @ public.document_dates']);
  });

  it('ATK-34 a PDF stored unencrypted in the blob folder: file signature, no payload header, hash mismatch, canary', async () => {
    const copy = await seeded(() => Promise.resolve());
    const name = readdirSync(copy.blobsDir).find((entry) => /^[0-9a-f]{32}$/.test(entry))!;
    const path = join(copy.blobsDir, name);
    const pdf = `%PDF-1.7\n1 0 obj << /Title (${CANARIES.title}) >> endobj\n${'0123456789 '.repeat(400)}%%EOF\n`;
    writeFileSync(path, pdf);
    const errors = errorsOf(await audit(copy));
    expect(errors).toContain(`plaintext-signature @ ${path} @ byte 0`);
    expect(errors).toContain(`payload-header @ ${path} @ byte 0`);
    expect(errors).toContain(`payload-not-random @ ${path} @ byte 46`);
    expect(errors.some((error) => error.startsWith('manifest-hash @ document_versions.blob_id row '))).toBe(true);
    expect(errors).toContain(`canary-hit @ ${path} @ byte ${pdf.indexOf(CANARIES.title)}`);
  });

  it('ATK-06 an unsigned document manifest and one with an altered signature are refused', async () => {
    let keys: { vault_id: string; document_id: string; version: number }[] = [];
    const copy = await seeded(async (client) => {
      const { rows } = await client.query<{ vault_id: string; document_id: string; version: number; manifest: Buffer }>('SELECT vault_id, document_id, version, manifest FROM document_versions ORDER BY created_at, version LIMIT 2');
      const [unsigned, altered] = rows;
      unsigned!.manifest.fill(0, unsigned!.manifest.length - 64);
      altered!.manifest[altered!.manifest.length - 10]! ^= 1;
      for (const row of [unsigned!, altered!]) {
        await client.query('UPDATE document_versions SET manifest = $1 WHERE vault_id = $2 AND document_id = $3 AND version = $4', [row.manifest, row.vault_id, row.document_id, row.version]);
      }
      keys = rows.map(({ vault_id, document_id, version }) => ({ vault_id, document_id, version }));
    });
    const invalid = (await audit(copy)).findings.filter((finding) => finding.code === 'manifest-invalid');
    expect(invalid.map((finding) => `${finding.severity} ${finding.where} ${finding.message.slice(-19)}`).sort()).toEqual(keys.map((key) =>
      `ERROR document_versions.manifest row vault_id=${key.vault_id},document_id=${key.document_id},version=${key.version} (SIGNATURE_INVALID)`).sort());
  });

  it('ATK-33 an event removed from the access-history chain, and ids above the id sequence, are found', async () => {
    let removed = 0;
    const copy = await seeded(async (client) => {
      removed = Number((await client.query<{ id: string }>('DELETE FROM access_events WHERE sequence = 2 RETURNING id')).rows[0]!.id);
      await client.query("SELECT setval(pg_get_serial_sequence('access_events', 'id'), 1)");
    });
    const errors = errorsOf(await audit(copy));
    expect(errors.filter((error) => error.startsWith('history-chain'))).toEqual([expect.stringMatching(/^history-chain @ access_events\.sequence row id=\d+$/)]);
    const aboveMark = errors.filter((error) => error.startsWith('history-id'));
    expect(aboveMark.length).toBeGreaterThanOrEqual(2);
    expect(aboveMark).not.toContain(`history-id @ access_events.id row id=${removed}`);
    expect(aboveMark).not.toContain('history-id @ access_events.id row id=1');
  });

  it('ATK-33 the append-only trigger dropped (and a row changed behind it) is an error', async () => {
    const copy = await seeded((client) => client.query(`
      DROP TRIGGER access_events_no_update ON access_events;
      UPDATE access_events SET at = at - 86400000 WHERE id = (SELECT max(id) FROM access_events)`));
    const errors = errorsOf(await audit(copy));
    expect(errors).toContain('history-trigger @ pg_trigger access_events_no_update on public.access_events');
    expect(errors.some((error) => /^history-time @ access_events\.at row id=\d+$/.test(error))).toBe(true);
    expect(errors.some((error) => /^history-order @ access_events\.at row id=\d+$/.test(error))).toBe(true);
  });

  it('ATK-33 the trigger disabled, or its function emptied, is an error; another trigger is a warning', async () => {
    const disabled = await seeded((client) => client.query(`
      ALTER TABLE access_events DISABLE TRIGGER access_events_no_update;
      CREATE FUNCTION keep_titles() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TRIGGER keep_titles AFTER INSERT ON documents FOR EACH ROW EXECUTE FUNCTION keep_titles()`));
    const report = await audit(disabled);
    expect(errorsOf(report)).toEqual(['history-trigger @ pg_trigger access_events_no_update on public.access_events']);
    expect(warningsOf(report)).toEqual(['unknown-trigger @ keep_titles on public.documents']);
    const emptied = await seeded((client) => client.query(
      'CREATE OR REPLACE FUNCTION access_events_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$'));
    expect(errorsOf(await audit(emptied))).toEqual(['history-trigger @ pg_trigger access_events_no_update on public.access_events']);
  });

  it('ATK-34 a canary in a text column breaks its shape and is found in the snapshot; an integer beyond 2^53 - 1 is an error', async () => {
    const leaked = `address:${Buffer.from(`ip: ${CANARIES.fileName}`).toString('base64')}`;
    let before = 0;
    const copy = await seeded(async (client) => {
      before = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM login_throttles')).rows[0]!.n);
      await client.query("INSERT INTO login_throttles (key, failures, window_start, locked_until) VALUES ($1, 1, 0, 0), ('account:' || repeat('ab', 32), 1, 0, 9007199254740993)", [leaked]);
    });
    const report = await audit(copy);
    // Rows are numbered in the copy in the order PostgreSQL returned them: the inserted ones last.
    expect(errorsOf(report).filter((error) => !error.startsWith('canary-hit'))).toEqual([
      `integer-range @ login_throttles.locked_until row rowid=${before + 2}`,
      `column-shape @ login_throttles.key row rowid=${before + 1}`,
      `column-shape @ login_throttles.locked_until row rowid=${before + 2}`,
    ]);
    expect(snapshotHits(report, copy).map((hit) => hit.message)).toEqual(['canary #3 found (base64/base64url+1 form)']);
  });

  it('the command line names the database by its masked URL and never prints the password', async () => {
    const url = withPassword(base.url);
    const masked = Object.assign(new URL(base.url), { password: '***' }).href;
    const human = await run(process.execPath, ['--import', 'tsx', 'tools/audit/main.ts', '--database-url', url, '--blobs', base.blobsDir, '--canary', CANARIES.title], { cwd: REPO_ROOT });
    expect(human.stdout).toContain(`vault-audit of ${masked} (blobs in ${base.blobsDir})`);
    expect(human.stdout).toContain('RESULT: OK (no error)');
    const json = await run(process.execPath, ['--import', 'tsx', 'tools/audit/main.ts', `--database-url=${url}`, '--blobs', base.blobsDir, '--json'], { cwd: REPO_ROOT });
    expect(JSON.parse(json.stdout)).toMatchObject({ databaseUrl: masked, errors: 0 });
    const missing = Object.assign(new URL(url), { pathname: '/vault_test_absent' }).href;
    const failed = await run(process.execPath, ['--import', 'tsx', 'tools/audit/main.ts', '--database-url', missing, '--blobs', base.blobsDir], { cwd: REPO_ROOT }).then(() => null, (error: unknown) => error as { code: number; stdout: string; stderr: string });
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/^vault-audit failed: /);
    for (const output of [human.stdout, human.stderr, json.stdout, json.stderr, failed?.stdout, failed?.stderr]) expect(output).not.toContain(DUMMY_PASSWORD);
  });
});
