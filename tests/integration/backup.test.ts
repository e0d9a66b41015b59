// Issue 6, backups: `vault-server backup` while the server runs (an upload in progress, a delete racing the
// blob copy, a blob committed but not yet renamed), `restore` into a fresh DATA_DIR, a server started on
// it, and every version of every document read back by the real client core, bytes equal. Then damaged
// backups and occupied targets: refused with their exit code and message, the target untouched.
// SQLite only: `vault-server backup --data` copies DATA_DIR/vault.sqlite3 (PostgreSQL's backup, through
// pg_dump, is tested in tests/pg); vitest.config.ts keeps this file out of the "postgres" project.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, type UnlockedAccount } from '../../client/core/account.ts';
import type { ApiClient } from '../../client/core/api.ts';
import { deleteDocument, downloadDocument, listDocuments } from '../../client/core/documents.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { createBackup } from '../../server/backup/snapshot.ts';
import { cli } from '../../server/cli/vault-server.ts';
import { EXIT } from '../../server/cli/messages.ts';
import { snapshotState, startServer, type TestServer } from './harness.ts';
import { captureIo, clientFor, Gate, newPatient, PASSWORD, random, upload, type Patient } from './backup-patients.ts';
import { countRows } from './stored-rows.ts';

let work: string;
let server: TestServer;
let alice: Patient;
let bob: Patient;
let gate: Gate;
let backupDir: string;

/** Every file under a folder with its bytes, to show a refused restore changed nothing. */
function treeOf(dir: string): string {
  if (!existsSync(dir)) return '(absent)';
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return JSON.stringify(entries.map((entry) => {
    const path = join(entry.parentPath, entry.name);
    return [path.slice(dir.length), readFileSync(path).toString('base64')];
  }).sort());
}

async function readEverything(target: TestServer, patient: Patient): Promise<{ api: ApiClient; account: UnlockedAccount }> {
  const api = clientFor(target);
  const account = await logIn(api, patient.accountId, PASSWORD);
  const state: VaultState = {};
  const listed = await listDocuments(api, account, state);
  expect(listed.map((entry) => entry.documentId).sort()).toEqual([...patient.documents.keys()].sort());
  for (const [documentId, versions] of patient.documents) {
    for (const [index, expected] of versions.entries()) {
      const download = await downloadDocument(api, account, state, documentId, { version: index + 1 });
      expect(new Uint8Array(await new Response(download.stream).arrayBuffer())).toEqual(expected);
    }
  }
  return { api, account };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'coffre-backup-'));
  gate = new Gate();
  server = await startServer();
  expect(server.state.storage.engine).toBe('sqlite');
  alice = await newPatient(server, 'alice@example.org');
  bob = await newPatient(server, 'bob@example.org', gate);
  const first = await upload(alice, random(150_000));
  await upload(alice, random(70_000), first);
  await upload(alice, random(3_000));
  await upload(bob, random(20_000));
});

afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

describe('backup of a running server, then restore', () => {
  it('copies a consistent state despite an upload in progress, a racing delete and an unrenamed blob; every document reads back', async () => {
    // Bob's new upload stops after its first range: a live upload row and a half-written temporary blob.
    gate.armed = true;
    const inProgress = upload(bob, random(200_000));
    await gate.reached;
    // A committed version whose blob was not renamed yet (a crash between commit and publish).
    const bobsFirst = [...bob.documents.keys()][0]!;
    const { read, tables: { documentVersions } } = server.state.storage;
    const [version] = await read.select({ blobId: documentVersions.blobId }).from(documentVersions).where(eq(documentVersions.documentId, bobsFirst));
    const unrenamed = version!.blobId;
    renameSync(join(server.dataDir, 'blobs', unrenamed), join(server.dataDir, 'blobs', 'tmp', unrenamed));
    const victim = [...alice.documents.keys()][1]!;
    backupDir = join(work, 'backup');
    // Alice deletes a document after the first snapshot and before its blobs are copied.
    const summary = await createBackup({
      dataDir: server.dataDir, outDir: backupDir,
      testOnlyAfterSnapshot: async (attempt) => {
        if (attempt === 1) await deleteDocument(alice.api, alice.account, alice.state, victim);
      },
    });
    alice.documents.delete(victim);
    renameSync(join(server.dataDir, 'blobs', 'tmp', unrenamed), join(server.dataDir, 'blobs', unrenamed));
    gate.release();
    const lateDocument = await inProgress;
    bob.documents.delete(lateDocument);

    // The first attempt found the victim's blob gone and started again from a new snapshot.
    expect(summary.attempts).toBe(2);
    expect(summary.secretIncluded).toBe(true);
    expect(readdirSync(work)).toEqual(['backup']);

    const restored = join(work, 'restored');
    const io = captureIo();
    expect(await cli(['restore', '--from', backupDir, '--data', restored], io)).toBe(EXIT.ok);
    expect(io.lines.join('\n')).toContain('Restore complete');
    expect(readFileSync(join(restored, 'server-secret'))).toEqual(readFileSync(join(server.dataDir, 'server-secret')));

    const again = await startServer({}, restored);
    try {
      expect(await countRows(again.state.storage, again.state.storage.tables.uploads)).toBe(0);
      await readEverything(again, alice);
      const reader = await readEverything(again, bob);
      // Bob's device saw a newer signed vault manifest (his late upload): it flags the restore as a rollback.
      await expect(listDocuments(reader.api, reader.account, { head: bob.state.head! })).rejects.toMatchObject({ code: 'ROLLBACK' });
    } finally {
      await again.close(true);
    }
  });

  it('backs up through the command line, and refuses an occupied output folder or a data folder missing a blob', async () => {
    const out = join(work, 'cli-backup');
    const io = captureIo();
    expect(await cli(['backup', '--out', out, '--data', server.dataDir], io)).toBe(EXIT.ok);
    expect(io.lines.join('\n')).toContain('Backup complete: 4 encrypted file(s)');
    expect(io.lines.join('\n')).toContain('protect it like the server');

    const refused = captureIo();
    expect(await cli(['backup', '--out', out, '--data', server.dataDir], refused)).toBe(EXIT.notEmpty);
    expect(refused.errors()).toContain('The backup folder exists and is not empty.');

    const damaged = join(work, 'damaged-data');
    cpSync(join(work, 'restored'), damaged, { recursive: true });
    const [blob] = readdirSync(join(damaged, 'blobs')).filter((name) => name !== 'tmp');
    rmSync(join(damaged, 'blobs', blob!));
    const lost = captureIo();
    expect(await cli(['backup', '--out', join(work, 'lost'), '--data', damaged], lost)).toBe(EXIT.badSource);
    expect(lost.errors()).toContain('An encrypted document is missing from the data folder');
    expect(lost.errors()).not.toContain(blob!);
    expect(readdirSync(work).filter((name) => name.includes('lost'))).toEqual([]);
  });
});

describe('restore refuses', () => {
  type Tamper = (dir: string) => void;
  const firstBlob = (dir: string) => join(dir, 'blobs', readdirSync(join(dir, 'blobs'))[0]!);
  const flipByte = (path: string, at: (size: number) => number) => {
    const bytes = readFileSync(path);
    const index = at(bytes.length);
    bytes[index] = bytes[index]! ^ 0x01;
    writeFileSync(path, bytes);
  };
  const editManifest = (dir: string, edit: (manifest: { formatVersion: number; blobs: { id: string }[] }) => void) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { formatVersion: number; blobs: { id: string }[] };
    edit(manifest);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  };
  const cases: [string, Tamper, number, string][] = [
    ['a flipped blob byte', (dir) => { flipByte(firstBlob(dir), (size) => size >> 1); }, EXIT.badBackup, 'Backup damaged or incomplete'],
    ['a missing blob', (dir) => { rmSync(firstBlob(dir)); }, EXIT.badBackup, 'Backup damaged or incomplete'],
    ['a changed database', (dir) => { flipByte(join(dir, 'vault.sqlite3'), (size) => size - 100); }, EXIT.badBackup, 'Backup damaged or incomplete'],
    ['a blob removed with its manifest line', (dir) => {
      const path = firstBlob(dir);
      rmSync(path);
      editManifest(dir, (manifest) => { manifest.blobs = manifest.blobs.filter((blob) => !path.endsWith(blob.id)); });
    }, EXIT.badBackup, 'Backup database damaged'],
    ['an unknown format version', (dir) => { editManifest(dir, (manifest) => { manifest.formatVersion = 2; }); }, EXIT.badBackup, 'Unsupported backup format'],
    ['no manifest', (dir) => { rmSync(join(dir, 'manifest.json')); }, EXIT.badBackup, 'Unreadable backup'],
  ];

  it.each(cases)('%s, with the target untouched even with --force', async (_name, tamper, exit, message) => {
    const parent = mkdtempSync(join(work, 'tamper-'));
    const copy = join(parent, 'backup');
    cpSync(backupDir, copy, { recursive: true });
    tamper(copy);
    const target = join(parent, 'data');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'previous data');
    const before = treeOf(target);
    const io = captureIo();
    expect(await cli(['restore', '--from', copy, '--data', target, '--force'], io)).toBe(exit);
    expect(io.errors()).toContain(message);
    expect(io.errors()).toContain('rien n’a été restauré');
    expect(treeOf(target)).toBe(before);
    expect(readdirSync(parent).sort()).toEqual(['backup', 'data']);
  });

  it('a non-empty target without --force, and replaces it with --force', async () => {
    const before = await snapshotState(server);
    const io = captureIo();
    expect(await cli(['restore', '--from', backupDir, '--data', server.dataDir], io)).toBe(EXIT.notEmpty);
    expect(io.errors()).toContain('Le dossier cible n’est pas vide');
    expect(await snapshotState(server)).toBe(before);

    const target = join(work, 'occupied');
    mkdirSync(target);
    writeFileSync(join(target, 'old.txt'), 'old');
    expect(await cli(['restore', '--from', backupDir, '--data', target, '--force'], captureIo())).toBe(EXIT.ok);
    expect(readdirSync(target).sort()).toEqual(['blobs', 'server-secret', 'vault.sqlite3']);
    expect(readdirSync(work).filter((name) => name.includes('occupied'))).toEqual(['occupied']);
  });

  it('bad arguments, through the installed executable, with exit code 2', () => {
    const shim = resolve(import.meta.dirname, '../../server/cli/vault-server.js');
    const result = spawnSync(process.execPath, [shim, 'restore', '--from', backupDir], { encoding: 'utf8' });
    expect(result.status).toBe(EXIT.usage);
    expect(result.stderr).toContain('usage: vault-server backup --out DIR');
  });
});
