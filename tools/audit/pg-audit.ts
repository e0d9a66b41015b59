// The PostgreSQL form (--database-url URL --blobs DIR): one consistent snapshot of every table copied into
// memory (pg-snapshot.ts), then the same checks as SQLite over the copy and the blob folder. Canaries are
// searched in the copy's bytes (every value of every table: the database's logical content, what a dump
// holds, not PostgreSQL's data files), every file under the blob folder and every log.
import { existsSync } from 'node:fs';
import type { AuditReport } from './audit.ts';
import { auditCanaries } from './canary-audit.ts';
import { listFiles } from './canary-scan.ts';
import { auditDatabase } from './database-audit.ts';
import { maskDatabaseUrl } from '../../shared/database-url.ts';
import { Findings } from './findings.ts';
import { readPgSnapshot } from './pg-snapshot.ts';

export interface PgAuditOptions {
  databaseUrl: string;
  blobsDir: string;
  canaries: readonly string[];
  logs: readonly string[];
  now: number;
}

export async function auditPostgres(options: PgAuditOptions): Promise<AuditReport> {
  const findings = new Findings();
  const location = maskDatabaseUrl(options.databaseUrl);
  const snapshot = await readPgSnapshot(options.databaseUrl, location, findings);
  try {
    const blobsFound = existsSync(options.blobsDir);
    if (!blobsFound) findings.error('blobs-missing', options.blobsDir, 'the blob folder given with --blobs does not exist');
    const copy = { name: `${location} snapshot copy`, bytes: snapshot.db.serialize() };
    const canaries = auditCanaries(options.canaries, { files: blobsFound ? listFiles(options.blobsDir) : [], logs: options.logs, copies: [copy] }, findings);
    const { tables, blobs } = auditDatabase(snapshot.db, { engine: snapshot.engine, blobsDir: options.blobsDir, now: options.now }, findings);
    return { databaseUrl: location, blobsDir: options.blobsDir, tables, blobs, canaries, findings: findings.list, errors: findings.errorCount };
  } finally {
    snapshot.db.close();
  }
}
