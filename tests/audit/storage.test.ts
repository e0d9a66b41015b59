// The audit tool over storage the real app wrote: clean storage passes (exit 0, zero canary hits); each
// seeded leak fails with the finding that names it and where. SQLite only: the leaks are seeded straight in
// DATA_DIR/vault.sqlite3 and its WAL, as an operator on disk would (buildCleanStorage asserts the engine).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessEventHash, ACCESS_CHAIN_GENESIS, type ChainedAction } from '../../crypto/access-chain.ts';
import { ed25519Keygen, ed25519Sign } from '../../crypto/primitives.ts';
import { labelled } from '../../crypto/identity.ts';
import { runAudit, type AuditReport } from '../../tools/audit/audit.ts';
import { cli } from '../../tools/audit/main.ts';
import { REPO_ROOT } from '../paths.ts';
import { buildCleanStorage, CANARIES, copyStorage, type CleanStorage } from './fixture.ts';

const ALL_CANARIES = Object.values(CANARIES);
let clean: CleanStorage;
const copies: string[] = [];

function copy(): string {
  const dir = copyStorage(clean);
  copies.push(dir);
  return dir;
}

/** Opens the copy's database for writing, applies `edit`, closes (checkpointing the WAL). */
function editDatabase(dir: string, edit: (db: Database.Database) => void): void {
  const db = new Database(join(dir, 'vault.sqlite3'));
  try {
    edit(db);
  } finally {
    db.close();
  }
}

function errorsOf(report: AuditReport): string[] {
  return report.findings.filter((finding) => finding.severity === 'ERROR').map((finding) => `${finding.code} @ ${finding.where}`);
}

const audit = (dataDir: string, logs: string[] = []) => runAudit({ dataDir, canaries: ALL_CANARIES, logs });

beforeAll(async () => {
  clean = await buildCleanStorage();
}, 60_000);

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  clean.remove();
});

describe('vault-audit over real storage', () => {
  it('ATK-34 clean storage: every table known, every payload, manifest and envelope verified, zero canary hits', async () => {
    const log = join(copy(), 'server.log');
    writeFileSync(log, 'Coffre santé : http://127.0.0.1:3000/\n');
    const report = await audit(clean.dataDir, [log]);
    expect(errorsOf(report)).toEqual([]);
    expect(report.canaries).toMatchObject({ count: 3, hits: 0 });
    expect(report.canaries.filesScanned).toBeGreaterThanOrEqual(5);
    expect(report.blobs.published).toBe(3);
    const rows = Object.fromEntries(report.tables.map((table) => [table.name, table.rows]));
    expect(rows).toMatchObject({ accounts: 1, vaults: 1, documents: 2, document_versions: 3, envelopes: 3 });
    expect(rows.access_events).toBeGreaterThanOrEqual(2);
    expect(report.tables.every((table) => table.known && table.columns.every((column) => column.cls !== null))).toBe(true);
    const codes = report.findings.map((finding) => finding.code);
    expect(codes.filter((code) => code.startsWith('history-'))).toEqual([]);
    expect(codes).not.toContain('payload-not-random');
  });

  it('the command line exits 0 on clean storage and prints JSON with --json; 2 on a usage error', async () => {
    const run = promisify(execFile);
    expect(await cli(['--canary', 'x'], { out: () => undefined, err: () => undefined })).toBe(2);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'tools/audit/main.ts', '--data', clean.dataDir, '--canary', CANARIES.title, '--json'], { cwd: REPO_ROOT });
    const report = JSON.parse(stdout) as AuditReport;
    expect(report.errors).toBe(0);
    expect(report.canaries.hits).toBe(0);
  });

  it('ATK-34 a plaintext title column is an unknown column (and its canary is found)', async () => {
    const dir = copy();
    editDatabase(dir, (db) => {
      db.exec('ALTER TABLE document_versions ADD COLUMN title TEXT');
      db.prepare('UPDATE document_versions SET title = ?').run(CANARIES.title);
    });
    const errors = errorsOf(await audit(dir));
    expect(errors).toContain('unknown-column @ document_versions.title');
    const printed: string[] = [];
    expect(await cli(['--data', dir], { out: (text) => printed.push(text), err: (text) => printed.push(text) })).toBe(1);
    expect(printed.join('\n')).toContain('ERROR unknown-column: document_versions.title: ');
    expect(errors.some((error) => error.startsWith('canary-hit @ ') && error.includes('vault.sqlite3 @ byte '))).toBe(true);
  });

  it('an unknown column or table is an error even when empty', async () => {
    const dir = copy();
    editDatabase(dir, (db) => {
      db.exec('ALTER TABLE accounts ADD COLUMN display_name TEXT');
      db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    });
    const report = await audit(dir);
    expect(errorsOf(report)).toEqual(['unknown-column @ accounts.display_name', 'unknown-table @ notes']);
  });

  it('ATK-34 plaintext stuffed into an existing column (an IP address as a throttle key) breaks its shape', async () => {
    const dir = copy();
    let rowid = 0;
    editDatabase(dir, (db) => {
      rowid = db.prepare("INSERT INTO login_throttles (key, failures, window_start, locked_until) VALUES ('address:203.0.113.7', 1, 0, 0)").run().lastInsertRowid as number;
    });
    expect(errorsOf(await audit(dir))).toEqual([`column-shape @ login_throttles.key row rowid=${rowid}`]);
  });

  it('ATK-34 a PDF stored unencrypted as a blob: file signature, no payload header, hash mismatch', async () => {
    const dir = copy();
    const blobs = join(dir, 'blobs');
    const name = readdirSync(blobs).find((entry) => /^[0-9a-f]{32}$/.test(entry))!;
    writeFileSync(join(blobs, name), `%PDF-1.7\n1 0 obj << /Title (${CANARIES.title}) >> endobj\n${'0123456789 '.repeat(400)}%%EOF\n`);
    const errors = errorsOf(await audit(dir));
    const path = join(blobs, name);
    expect(errors).toContain(`plaintext-signature @ ${path} @ byte 0`);
    expect(errors).toContain(`payload-header @ ${path} @ byte 0`);
    expect(errors).toContain(`payload-not-random @ ${path} @ byte 46`);
    expect(errors.some((error) => error.startsWith('manifest-hash @ document_versions.blob_id row '))).toBe(true);
    expect(errors.some((error) => error.startsWith('canary-hit @ ') && error.includes(name))).toBe(true);
  });

  it('ATK-34 plaintext behind a valid-looking payload header fails the randomness test', async () => {
    const dir = copy();
    const blobs = join(dir, 'blobs');
    const [name] = readdirSync(blobs).filter((entry) => /^[0-9a-f]{32}$/.test(entry)).sort((a, b) => statSync(join(blobs, b)).size - statSync(join(blobs, a)).size);
    const path = join(blobs, name!);
    const blob = readFileSync(path);
    expect(blob.length).toBeGreaterThan(65_536);
    Buffer.from('Compte rendu : hémoglobine 14 g/dL. '.repeat(blob.length)).copy(blob, 46, 0, blob.length - 46);
    writeFileSync(path, blob);
    const errors = errorsOf(await audit(dir));
    expect(errors.filter((error) => error.startsWith('payload-') || error.startsWith('plaintext-'))).toEqual([`payload-not-random @ ${path} @ byte 46`]);
    expect(errors.some((error) => error.startsWith('manifest-hash @ document_versions.blob_id row '))).toBe(true);
  });

  it('ATK-06 an unsigned document manifest and one forged with another key are refused', async () => {
    const dir = copy();
    let forgedVersion = 0;
    editDatabase(dir, (db) => {
      const rows = db.prepare('SELECT rowid, version, manifest FROM document_versions ORDER BY rowid').all() as { rowid: number; version: number; manifest: Buffer }[];
      const [unsigned, forged] = rows;
      const zeroed = Buffer.from(unsigned!.manifest);
      zeroed.fill(0, zeroed.length - 64);
      db.prepare('UPDATE document_versions SET manifest = ? WHERE rowid = ?').run(zeroed, unsigned!.rowid);
      db.prepare('UPDATE document_versions SET manifest = ? WHERE rowid = ?').run(forgeWithOwnKey(forged!.manifest), forged!.rowid);
      forgedVersion = forged!.version;
    });
    const report = await audit(dir);
    const invalid = report.findings.filter((finding) => finding.code === 'manifest-invalid');
    expect(invalid.map((finding) => finding.message.match(/\((\w+)\)$/)?.[1]).sort()).toEqual(['SIGNATURE_INVALID', 'SIGNER_NOT_ALLOWED']);
    expect(invalid.every((finding) => finding.severity === 'ERROR' && finding.where.startsWith('document_versions.manifest row vault_id='))).toBe(true);
    expect(invalid.some((finding) => finding.where.endsWith(`version=${forgedVersion}`))).toBe(true);
  });

  it('ATK-05 a tampered envelope and ATK-17 a vault manifest with a broken signature are refused', async () => {
    const dir = copy();
    editDatabase(dir, (db) => {
      const envelope = db.prepare('SELECT rowid, envelope FROM envelopes LIMIT 1').get() as { rowid: number; envelope: Buffer };
      envelope.envelope[40] = envelope.envelope[40]! ^ 1;
      db.prepare('UPDATE envelopes SET envelope = ? WHERE rowid = ?').run(envelope.envelope, envelope.rowid);
      const vault = db.prepare('SELECT manifest FROM vaults').get() as { manifest: Buffer };
      vault.manifest[vault.manifest.length - 1] = vault.manifest[vault.manifest.length - 1]! ^ 1;
      db.prepare('UPDATE vaults SET manifest = ?').run(vault.manifest);
    });
    const report = await audit(dir);
    const codes = report.findings.filter((finding) => finding.severity === 'ERROR').map((finding) => `${finding.code}: ${finding.message}`);
    expect(codes).toContain("envelope-invalid: the envelope does not verify as signed by the version's author (SIGNATURE_INVALID)");
    expect(codes).toContain('manifest-hash: stored bytes differ from the hash the manifest signs (MANIFEST_MISMATCH)');
    expect(codes).toContain("vault-manifest-invalid: the vault manifest does not verify under its owner's key (SIGNATURE_INVALID)");
    expect(codes).toHaveLength(3);
  });

  it('ATK-33 a modified history row (guard trigger dropped, time moved before the commit) is found', async () => {
    const dir = copy();
    editDatabase(dir, (db) => {
      db.exec('DROP TRIGGER access_events_no_update');
      db.prepare('UPDATE access_events SET at = at - 86400000 WHERE id = (SELECT max(id) FROM access_events)').run();
    });
    const errors = errorsOf(await audit(dir));
    expect(errors).toContain('history-trigger @ sqlite_master trigger access_events_no_update');
    expect(errors.some((error) => /^history-time @ access_events\.at row id=\d+$/.test(error))).toBe(true);
    expect(errors.some((error) => /^history-order @ access_events\.at row id=\d+$/.test(error))).toBe(true);
  });

  it('ATK-33 an event removed from the chain, or changed with its link recomputed, is found against the chain and the signed checkpoint', async () => {
    const removed = copy();
    editDatabase(removed, (db) => { db.prepare('DELETE FROM access_events WHERE sequence = 2').run(); });
    expect(errorsOf(await audit(removed)).filter((error) => error.startsWith('history-chain'))).toEqual([expect.stringMatching(/^history-chain @ access_events\.sequence row id=\d+$/)]);

    const rewritten = copy();
    editDatabase(rewritten, (db) => {
      // A forger who also recomputes every link after the one it changed: the chain is whole again, but it
      // is no longer the chain the owner signed.
      db.exec('DROP TRIGGER access_events_no_update');
      const rows = db.prepare('SELECT * FROM access_events WHERE vault_id = ? ORDER BY sequence').all(clean.vaultId) as { id: number; sequence: number; actor_account_id: string; action: ChainedAction; document_id: string; version: number; at: number }[];
      let previous = ACCESS_CHAIN_GENESIS;
      for (const row of rows) {
        const event = { ...row, actorAccountId: row.sequence === 1 ? 'quelqu-un@example.org' : row.actor_account_id, documentId: row.document_id };
        previous = accessEventHash(clean.vaultId, previous, event);
        db.prepare('UPDATE access_events SET actor_account_id = ?, chain_hash = ? WHERE id = ?').run(event.actorAccountId, Buffer.from(previous), row.id);
      }
    });
    const errors = errorsOf(await audit(rewritten));
    expect(errors.filter((error) => error.startsWith('history-chain'))).toEqual([]);
    expect(errors).toContain(`history-checkpoint @ vaults.history_checkpoint row id=${clean.vaultId}`);
  });

  it('ATK-34 a canary in base64 in the WAL is found there, with its byte offset', async () => {
    const dir = copy();
    const writer = new Database(join(dir, 'vault.sqlite3'));
    try {
      writer.pragma('journal_mode = WAL');
      writer.pragma('wal_autocheckpoint = 0');
      const leaked = `address:${Buffer.from(`ip: ${CANARIES.fileName}`).toString('base64')}`;
      writer.prepare('INSERT INTO login_throttles (key, failures, window_start, locked_until) VALUES (?, 1, 0, 0)').run(leaked);
      const hits = (await audit(dir)).findings.filter((finding) => finding.code === 'canary-hit');
      const inWal = hits.filter((hit) => /vault\.sqlite3-wal @ byte \d+$/.test(hit.where));
      expect(inWal.map((hit) => hit.message)).toContain('canary #3 found (base64/base64url+1 form)');
    } finally {
      writer.close();
    }
  });

  it('ATK-34 a canary in a log file, in base64url at an offset and in hex, is found at its byte offset', async () => {
    const dir = copy();
    const log = join(copy(), 'server.log');
    const prefix = 'request body: ';
    const encoded = Buffer.from(`xy${CANARIES.title}`).toString('base64url');
    writeFileSync(log, `${prefix}${encoded}\nhex ${Buffer.from(CANARIES.content).toString('hex').toUpperCase()}\n`);
    const report = await audit(dir, [log]);
    const hits = report.findings.filter((finding) => finding.code === 'canary-hit' && finding.where.startsWith(log));
    expect(hits.map((hit) => hit.message).sort()).toEqual(['canary #1 found (HEX form)', 'canary #2 found (base64/base64url+2 form)']);
    const base64Hit = hits.find((hit) => hit.message.includes('base64url'))!;
    expect(base64Hit.where).toBe(`${log} @ byte ${prefix.length + Math.ceil(16 / 6)}`);
    expect(report.errors).toBe(2);
  });
});

/** The manifest's body with the author key replaced by a fresh key, signed by that key. */
function forgeWithOwnKey(manifest: Buffer): Buffer {
  const body = Buffer.from(manifest.subarray(0, manifest.length - 64));
  const forger = ed25519Keygen();
  const keyAt = body.length - (8 + 4 * 32 + 32);
  body.set(forger.publicKey, keyAt);
  const signature = ed25519Sign(forger.secretKey, labelled('coffre-sante/v1/document-manifest', body));
  return Buffer.concat([body, signature]);
}
