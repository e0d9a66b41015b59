// The shape every value of a text or integer column must have for its class, so plaintext stuffed into
// an existing column (a title in an id, an IP address in a throttle key) is found, not only a new column.
// Blob columns are checked by the format checks (bundles, manifests, envelopes, metadata, wrapped keys,
// accounts' salts and verifiers), except the session token hash, checked here.
import type Database from 'better-sqlite3';
import { ALL_COLUMNS, type ColumnClass } from './column-classes.ts';
import type { Findings } from './findings.ts';

type Check = (value: unknown) => boolean;

const RANDOM_ID = /^[A-Za-z0-9_-]{21}[AQgw]$/;
const BLOB_ID = /^[0-9a-f]{32}$/;
const THROTTLE_KEY = /^(account|address|signup):[0-9a-f]{64}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Rows listed per violating column; the rest are counted. */
const MAX_LISTED = 5;

const isText = (pattern: RegExp): Check => (value) => typeof value === 'string' && pattern.test(value);
const isCount: Check = (value) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isAccountId: Check = (value) => typeof value === 'string' && value.length > 0 && Buffer.byteLength(value, 'utf8') <= 256
  && !CONTROL.test(value) && value.normalize('NFC') === value;

/** A nullable column: null (no date, not yet accepted) or the class's shape. */
const orNull = (check: Check): Check => (value) => value === null || check(value);

const BY_CLASS: Partial<Record<ColumnClass, Check>> = {
  'random identifier': isText(RANDOM_ID),
  'account identifier': isAccountId,
  timestamp: isCount,
  counter: isCount,
  'padded size': isCount,
  'server secret-derived': isText(THROTTLE_KEY),
  'chain hash': (value) => Buffer.isBuffer(value) && value.length === 32,
};

/** Column-specific shapes, where the class alone says too little. */
const BY_COLUMN: Record<string, Check> = {
  'document_versions.blob_id': isText(BLOB_ID),
  'uploads.blob_id': isText(BLOB_ID),
  'pending_blob_deletions.blob_id': isText(BLOB_ID),
  'access_events.action': (value) => value === 'envelope-read' || value === 'payload-read',
  '__drizzle_migrations.hash': isText(SHA256_HEX),
  '__drizzle_migrations.id': (value) => value === null || isCount(value),
  'sqlite_sequence.name': (value) => typeof value === 'string' && ALL_COLUMNS[value] !== undefined,
  'sessions.token_hash': (value) => Buffer.isBuffer(value) && value.length === 32,
  'vaults.manifest_sequence': isCount,
  'grants.role': (value) => value === 'reader' || value === 'contributor',
  'grants.ends_at': orNull(isCount),
  'documents.pending': (value) => value === 0 || value === 1,
  'vault_managers.starts_at': orNull(isCount),
  'vault_managers.ends_at': orNull(isCount),
  'vault_invites.invitee_account_id': orNull(isAccountId),
  'accounts.kdf_memory_kib': isCount,
  'accounts.kdf_iterations': isCount,
  'accounts.kdf_parallelism': isCount,
};

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Checks every value of every known column that has a shape rule; `tables` are the ones present. */
export function auditColumnShapes(db: Database.Database, tables: readonly string[], findings: Findings): void {
  for (const table of tables) {
    for (const [column, cls] of Object.entries(ALL_COLUMNS[table] ?? {})) {
      const check = BY_COLUMN[`${table}.${column}`] ?? BY_CLASS[cls];
      if (check !== undefined) checkColumn(db, table, column, check, findings);
    }
  }
}

function checkColumn(db: Database.Database, table: string, column: string, check: Check, findings: Findings): void {
  const rows = db.prepare(`SELECT rowid AS rowid, ${quote(column)} AS value FROM ${quote(table)}`).all() as { rowid: number | null; value: unknown }[];
  const bad = rows.filter((row) => !check(row.value));
  for (const row of bad.slice(0, MAX_LISTED)) {
    findings.error('column-shape', `${table}.${column} row rowid=${String(row.rowid)}`, 'a value that does not have the shape of its class');
  }
  if (bad.length > MAX_LISTED) findings.error('column-shape', `${table}.${column}`, `${bad.length - MAX_LISTED} more value(s) without the shape of their class`);
}
