// The checks over the rows, the same for both forms: `db` is the SQLite file opened read-only, or the
// in-memory copy of a PostgreSQL snapshot; `engine` holds what only the engine's own catalog says.
// Order: the schema and the shape of every value, the blob store, accounts (trust roots), document
// versions, vaults, shares, managed records, the access history and its hash chain.
import type Database from 'better-sqlite3';
import { auditAccounts } from './accounts-audit.ts';
import { auditBlobStore } from './blob-store-audit.ts';
import { auditColumnShapes } from './column-shapes.ts';
import type { EngineFacts } from './engine-facts.ts';
import type { Findings } from './findings.ts';
import { auditGrants } from './grants-audit.ts';
import { auditHistory } from './history-audit.ts';
import { auditHistoryChains } from './history-chain-audit.ts';
import { recordBundles } from './record-bundles.ts';
import { auditRecords } from './records-audit.ts';
import { auditSchema, type TableReport } from './schema-audit.ts';
import { auditVaults } from './vaults-audit.ts';
import { auditVersions } from './versions-audit.ts';

export interface DatabaseAuditContext {
  engine: EngineFacts;
  /** The blob folder: published blobs and its tmp/. */
  blobsDir: string;
  /** The audit's clock (ms), for "in the future" checks. */
  now: number;
}

export interface DatabaseReport {
  tables: TableReport[];
  blobs: { published: number; temporary: number };
}

export function auditDatabase(db: Database.Database, context: DatabaseAuditContext, findings: Findings): DatabaseReport {
  const tables = auditSchema(db, context.engine, findings);
  const complete = findings.list.every((finding) => finding.code !== 'missing-table' && finding.code !== 'missing-column');
  if (!complete) {
    findings.error('audit-incomplete', context.engine.location, 'tables or columns are missing: the content checks were skipped');
    return { tables, blobs: { published: 0, temporary: 0 } };
  }
  auditColumnShapes(db, tables.map((table) => table.name), findings);
  const store = auditBlobStore(db, context.blobsDir, findings);
  const bundles = auditAccounts(db, findings);
  const manifests = auditVersions(db, { bundles, blobHashes: store.hashes }, findings);
  const vaults = auditVaults(db, bundles, manifests, findings);
  auditGrants(db, { bundles, vaults }, findings);
  auditRecords(db, { bundles, records: recordBundles(db) }, findings);
  auditHistory(db, context.now, context.engine, findings);
  auditHistoryChains(db, bundles, findings);
  return { tables, blobs: { published: store.published, temporary: store.temporary } };
}
