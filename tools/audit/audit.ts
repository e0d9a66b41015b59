// runAudit: reads the server's storage directly and trusts nothing the server would say. SQLite
// (--data DIR): the file opened read-only, the blob files, the logs given; canaries first, before SQLite
// touches anything. PostgreSQL (--database-url URL --blobs DIR): pg-audit.ts. Both run the same checks
// (database-audit.ts) and give the same report, named by the folder or by the masked URL.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { initPrimitives } from '../../crypto/primitives.ts';
import { auditCanaries, type CanaryReport } from './canary-audit.ts';
import { listFiles } from './canary-scan.ts';
import { auditDatabase } from './database-audit.ts';
import { sqliteFacts } from './engine-facts.ts';
import { Findings, type Finding } from './findings.ts';
import { auditPostgres } from './pg-audit.ts';
import type { TableReport } from './schema-audit.ts';

export const DATABASE_FILE = 'vault.sqlite3';

/** The storage audited: a SQLite DATA_DIR, or a PostgreSQL database and its blob folder. */
export type AuditSource = { dataDir: string } | { databaseUrl: string; blobsDir: string };

export type AuditOptions = AuditSource & {
  canaries: readonly string[];
  logs: readonly string[];
  /** The audit's clock (ms), for "in the future" checks. */
  now?: number;
};

/** The report names what it read: `dataDir`, or `databaseUrl` (password masked) and `blobsDir`. */
export type AuditReport = ({ dataDir: string } | { databaseUrl: string; blobsDir: string }) & {
  tables: TableReport[];
  blobs: { published: number; temporary: number };
  canaries: CanaryReport;
  findings: Finding[];
  errors: number;
};

export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  await initPrimitives();
  if ('databaseUrl' in options) return auditPostgres({ ...options, now: options.now ?? Date.now() });
  return auditSqlite({ ...options, now: options.now ?? Date.now() });
}

function auditSqlite(options: { dataDir: string; canaries: readonly string[]; logs: readonly string[]; now: number }): AuditReport {
  const findings = new Findings();
  // Every file under DATA_DIR: database, -wal, -shm, blobs, anything else.
  const canaries = auditCanaries(options.canaries, { files: listFiles(options.dataDir), logs: options.logs }, findings);
  const databasePath = join(options.dataDir, DATABASE_FILE);
  let tables: TableReport[] = [];
  let blobs = { published: 0, temporary: 0 };
  if (existsSync(databasePath)) {
    const db = new Database(databasePath, { readonly: true, fileMustExist: true });
    try {
      const engine = sqliteFacts(db, databasePath);
      ({ tables, blobs } = auditDatabase(db, { engine, blobsDir: join(options.dataDir, 'blobs'), now: options.now }, findings));
    } finally {
      db.close();
    }
  } else {
    findings.error('database-missing', databasePath, 'no database file in DATA_DIR');
  }
  return { dataDir: options.dataDir, tables, blobs, canaries, findings: findings.list, errors: findings.errorCount };
}
