// A PostgreSQL database read as one consistent snapshot (one REPEATABLE READ READ ONLY transaction) and
// copied into an in-memory SQLite database with PostgreSQL's own table and column names, so the SQLite
// checks run on it unchanged. Columns are untyped, so every value keeps its kind: bytea -> blob,
// smallint/integer/bigint -> integer, anything else -> text as PostgreSQL prints it (an unknown column of
// any type is copied and reported), null -> null. Nothing is written to PostgreSQL.
import Database from 'better-sqlite3';
import pg from 'pg';
import type { EngineFacts } from './engine-facts.ts';
import type { Findings } from './findings.ts';
import { readPgCatalog, type PgTable } from './pg-catalog.ts';

export interface PgSnapshot {
  /** The copy; the caller closes it. */
  db: Database.Database;
  engine: EngineFacts;
}

const OID = { bytea: 17, int8: 20, int2: 21, int4: 23 } as const;
const FETCH_ROWS = 1000;
/** Large pages keep a value under about 64 KB in one page, so a canary in it is not split by a page boundary in db.serialize(). */
const COPY_PAGE_SIZE = 65_536;
/** The column a table with no column gets in the copy (SQLite needs one). */
const NO_COLUMN = '(no column)';

const asText = (value: string): string => value;
const asInteger = (value: string): bigint => BigInt(value);
/** pg's own bytea parser (hex or escape text to a Buffer). */
const asBytes = pg.types.getTypeParser(pg.types.builtins.BYTEA) as (value: string) => Buffer;

/** This client's parsers only: integers as BigInt (bound as SQLite integers, checked against 2^53 - 1). */
const AUDIT_TYPES = {
  getTypeParser: ((oid: number) => {
    if (oid === OID.bytea) return asBytes;
    if (oid === OID.int8 || oid === OID.int2 || oid === OID.int4) return asInteger;
    return asText;
  }) as typeof pg.types.getTypeParser,
};

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** `location` (the masked URL) names the database in findings; the URL itself is never shown. */
export async function readPgSnapshot(url: string, location: string, findings: Findings): Promise<PgSnapshot> {
  const client = new pg.Client({ connectionString: url, types: AUDIT_TYPES, application_name: 'vault-audit' });
  await client.connect();
  const db = new Database(':memory:');
  try {
    db.pragma(`page_size = ${COPY_PAGE_SIZE}`);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const catalog = await readPgCatalog(client, location);
    for (const table of catalog.tables) await copyTable(client, db, table, findings);
    await client.query('COMMIT');
    return { db, engine: catalog.engine };
  } catch (error) {
    db.close();
    throw error;
  } finally {
    await client.end();
  }
}

async function copyTable(client: pg.Client, db: Database.Database, table: PgTable, findings: Findings): Promise<void> {
  const columns = table.columns.length === 0 ? [NO_COLUMN] : table.columns;
  db.exec(`CREATE TABLE ${quote(table.copyName)} (${columns.map(quote).join(', ')})`);
  const insert = db.prepare(`INSERT INTO ${quote(table.copyName)} VALUES (${columns.map(() => '?').join(', ')})`);
  const insertAll = db.transaction((rows: unknown[][]) => { for (const row of rows) insert.run(row); });
  await client.query(`DECLARE audit_copy NO SCROLL CURSOR FOR SELECT ${table.columns.map(quote).join(', ')} FROM ${quote(table.schema)}.${quote(table.name)}`);
  let rowid = 0;
  for (;;) {
    const { rows } = await client.query<unknown[]>({ text: `FETCH ${FETCH_ROWS} FROM audit_copy`, rowMode: 'array' });
    if (rows.length === 0) break;
    insertAll(rows.map((row) => {
      rowid += 1;
      if (table.columns.length === 0) return [null];
      return row.map((value, index) => copyValue(value, `${table.copyName}.${columns[index]!} row rowid=${rowid}`, findings));
    }));
  }
  await client.query('CLOSE audit_copy');
}

function copyValue(value: unknown, where: string, findings: Findings): Buffer | bigint | string | null {
  if (value === null || Buffer.isBuffer(value) || typeof value === 'string') return value;
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      findings.error('integer-range', where, 'an integer beyond 2^53 - 1: no time, size, id or counter the server writes is that large');
    }
    return value;
  }
  // The parsers above give only the kinds handled.
  throw new TypeError(`unexpected value of type ${typeof value} read from PostgreSQL`);
}
