// runAudit: reads DATA_DIR directly (the SQLite file opened read-only, the blob files, the logs given)
// and trusts nothing the server would say. Order: canaries first (before SQLite touches anything), then
// the schema and the shape of every value, the blob store, accounts (trust roots), document versions, vaults, the access history and its hash chain.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { initPrimitives } from '../../crypto/primitives.ts';
import { auditAccounts } from './accounts-audit.ts';
import { auditBlobStore } from './blob-store-audit.ts';
import { canaryForms } from './canary-forms.ts';
import { auditColumnShapes } from './column-shapes.ts';
import { listFiles, scanFile } from './canary-scan.ts';
import { Findings, type Finding } from './findings.ts';
import { auditHistory } from './history-audit.ts';
import { auditHistoryChains } from './history-chain-audit.ts';
import { auditSchema, type TableReport } from './schema-audit.ts';
import { auditGrants } from './grants-audit.ts';
import { recordBundles } from './record-bundles.ts';
import { auditRecords } from './records-audit.ts';
import { auditVaults } from './vaults-audit.ts';
import { auditVersions } from './versions-audit.ts';

export const DATABASE_FILE = 'vault.sqlite3';

export interface AuditOptions {
  dataDir: string;
  canaries: readonly string[];
  logs: readonly string[];
  /** The audit's clock (ms), for "in the future" checks. */
  now?: number;
}

export interface AuditReport {
  dataDir: string;
  tables: TableReport[];
  blobs: { published: number; temporary: number };
  canaries: { count: number; forms: number; filesScanned: number; hits: number };
  findings: Finding[];
  errors: number;
}

export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  await initPrimitives();
  const findings = new Findings();
  const canaries = scanCanaries(options, findings);
  const databasePath = join(options.dataDir, DATABASE_FILE);
  let tables: TableReport[] = [];
  let blobs = { published: 0, temporary: 0 };
  if (existsSync(databasePath)) {
    const db = new Database(databasePath, { readonly: true, fileMustExist: true });
    try {
      ({ tables, blobs } = auditDatabase(db, options, findings));
    } finally {
      db.close();
    }
  } else {
    findings.error('database-missing', databasePath, 'no database file in DATA_DIR');
  }
  return { dataDir: options.dataDir, tables, blobs, canaries, findings: findings.list, errors: findings.errorCount };
}

function auditDatabase(db: Database.Database, options: AuditOptions, findings: Findings): Pick<AuditReport, 'tables' | 'blobs'> {
  const tables = auditSchema(db, findings);
  const complete = findings.list.every((finding) => finding.code !== 'missing-table' && finding.code !== 'missing-column');
  if (!complete) {
    findings.error('audit-incomplete', join(options.dataDir, DATABASE_FILE), 'tables or columns are missing: the content checks were skipped');
    return { tables, blobs: { published: 0, temporary: 0 } };
  }
  auditColumnShapes(db, tables.map((table) => table.name), findings);
  const store = auditBlobStore(db, options.dataDir, findings);
  const bundles = auditAccounts(db, findings);
  const manifests = auditVersions(db, { bundles, blobHashes: store.hashes }, findings);
  const vaults = auditVaults(db, bundles, manifests, findings);
  auditGrants(db, { bundles, vaults }, findings);
  auditRecords(db, { bundles, records: recordBundles(db) }, findings);
  auditHistory(db, options.now ?? Date.now(), findings);
  auditHistoryChains(db, bundles, findings);
  return { tables, blobs: { published: store.published, temporary: store.temporary } };
}

/** Every file under DATA_DIR (database, -wal, -shm, blobs, anything else) and every log file. */
function scanCanaries(options: AuditOptions, findings: Findings): AuditReport['canaries'] {
  const forms = canaryForms(options.canaries);
  const files = [...new Set([...listFiles(options.dataDir), ...options.logs].map((path) => resolve(path)))];
  let hits = 0;
  if (forms.length === 0) return { count: 0, forms: 0, filesScanned: 0, hits: 0 };
  // A log inside DATA_DIR is scanned once.
  for (const path of files) {
    if (!existsSync(path)) {
      findings.error('log-missing', path, 'a log file given with --logs does not exist');
      continue;
    }
    for (const hit of scanFile(path, forms)) {
      hits += 1;
      findings.error('canary-hit', `${hit.path} @ byte ${hit.offset}`, `canary #${hit.canaryIndex + 1} found (${hit.form} form)`);
    }
  }
  return { count: options.canaries.length, forms: forms.length, filesScanned: files.length, hits };
}
