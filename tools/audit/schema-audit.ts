// Tables and columns as SQLite itself lists them (sqlite_master, pragma_table_info), compared with the
// class list: an unknown table or column is an ERROR, so a new plaintext field cannot slip in unseen.
// Also counts rows and checks the storage type of every value against its class. On PostgreSQL the
// database read is the snapshot's copy, with PostgreSQL's table and column names; views and triggers come
// from the engine's own catalog (EngineFacts).
import type Database from 'better-sqlite3';
import { ALL_COLUMNS, SCHEMA_COLUMNS, type ColumnClass } from './column-classes.ts';
import type { EngineFacts, EngineObject } from './engine-facts.ts';
import type { Findings } from './findings.ts';

export interface ColumnReport {
  name: string;
  cls: ColumnClass | null;
  /** SQLite storage classes seen in this column, with their counts: {"blob": 3, "null": 1}. */
  types: Record<string, number>;
}

export interface TableReport {
  name: string;
  known: boolean;
  rows: number;
  columns: ColumnReport[];
}

/** SQLite storage classes each column class may hold ("null" is allowed only where listed). */
// 'null' where a nullable column of that class exists (a personal vault has no record bundle, label or
// settings; an invite no invitee yet); the NOT NULL constraints of the schema keep the others filled.
const STORAGE_TYPES: Record<ColumnClass, readonly string[]> = {
  'random identifier': ['text'],
  'account identifier': ['text', 'null'],
  'public key material': ['blob', 'null'],
  ciphertext: ['blob', 'null'],
  envelope: ['blob'],
  signature: ['blob', 'null'],
  'key hash / verifier': ['blob'],
  'chain hash': ['blob'],
  'KDF parameters': ['text', 'integer', 'blob'],
  timestamp: ['integer', 'null'],
  'padded size': ['integer'],
  counter: ['integer', 'null'],
  'server secret-derived': ['text'],
  'public directory data': ['text'],
  other: ['text'],
};

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export function auditSchema(db: Database.Database, engine: EngineFacts, findings: Findings): TableReport[] {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  const reports = tables.map((table) => auditTable(db, table, findings));
  for (const table of [...Object.keys(SCHEMA_COLUMNS), ...engine.internalTables]) {
    if (!tables.includes(table)) findings.error('missing-table', table, 'a table of the schema is missing from the database');
  }
  auditOtherObjects(engine.objects, findings);
  return reports;
}

function auditTable(db: Database.Database, table: string, findings: Findings): TableReport {
  const known = ALL_COLUMNS[table];
  if (known === undefined) findings.error('unknown-table', table, 'a table the audit tool does not know: its contents are unclassified');
  const names = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
  const rows = db.prepare(`SELECT count(*) FROM ${quote(table)}`).pluck().get() as number;
  const columns = names.map((name) => auditColumn(db, table, name, known?.[name] ?? null, findings));
  for (const name of Object.keys(known ?? {})) {
    if (!names.includes(name)) findings.error('missing-column', `${table}.${name}`, 'a column of the schema is missing from the database');
  }
  return { name: table, known: known !== undefined, rows, columns };
}

function auditColumn(db: Database.Database, table: string, name: string, cls: ColumnClass | null, findings: Findings): ColumnReport {
  const where = `${table}.${name}`;
  const counted = db.prepare(`SELECT typeof(${quote(name)}) AS type, count(*) AS n FROM ${quote(table)} GROUP BY 1`).all() as { type: string; n: number }[];
  const types = Object.fromEntries(counted.map((row) => [row.type, row.n]));
  if (cls === null) {
    if (ALL_COLUMNS[table] !== undefined) findings.error('unknown-column', where, 'a column the audit tool does not know: its contents are unclassified');
    return { name, cls, types };
  }
  for (const { type, n } of counted) {
    if (!STORAGE_TYPES[cls].includes(type)) findings.error('column-type', where, `${n} value(s) stored as ${type}, not allowed for class "${cls}"`);
  }
  return { name, cls, types };
}

/** Views and triggers hold no data by themselves, but an unknown one can copy data or disable a rule. */
function auditOtherObjects(objects: readonly EngineObject[], findings: Findings): void {
  for (const object of objects) {
    if (object.type === 'view') findings.warn('unknown-view', object.name, 'a view the audit tool does not know');
    else if (!object.known) findings.warn('unknown-trigger', object.name, 'a trigger the audit tool does not know');
  }
}
