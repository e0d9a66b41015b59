// Whether a request changed anything: what the harness snapshot covers (every row of every table, every
// blob file), digested per table rather than printed so that thousands of requests stay fast, plus the
// size of each blob file (a refused chunk must not grow its temporary file). The rows are read through the
// fuzzer's own connection to DATA_DIR/vault.sqlite3 (world.ts): SQLite only.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { World } from './world.ts';

export interface Fingerprint {
  /** A digest of every table's rows, by table name. */
  tables: Map<string, string>;
  /** Every blob file, published and temporary, with its size. */
  files: string;
}

type Sqlite = Database.Database;

interface Reader {
  tables: [name: string, rows: () => unknown[][]][];
  changes: () => string;
  /** The last digest, and the database's change mark when it was taken. */
  last?: { changes: string; tables: Map<string, string> };
}

const readers = new WeakMap<Sqlite, Reader>();

/** Statements prepared once per database: the fingerprint runs twice per request. */
function readerOf(sqlite: Sqlite): Reader {
  let reader = readers.get(sqlite);
  if (reader === undefined) {
    const names = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
    const totalChanges = sqlite.prepare('SELECT total_changes()').pluck();
    reader = {
      tables: names.map(({ name }) => {
        const statement = sqlite.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).raw();
        return [name, () => statement.all() as unknown[][]];
      }),
      changes: () => `${String(dataVersion.get())}:${String(totalChanges.get())}`,
    };
    readers.set(sqlite, reader);
  }
  return reader;
}

/**
 * The digest of every table is reused while the database has not changed: data_version moves when another
 * connection (the server's) commits, total_changes() when this one writes (restoreWorld), even a write that
 * rewrote a same value.
 */
function tableDigests(sqlite: Sqlite): Map<string, string> {
  const reader = readerOf(sqlite);
  const changes = reader.changes();
  if (reader.last?.changes === changes) return reader.last.tables;
  const tables = new Map<string, string>();
  for (const [name, rows] of reader.tables) {
    const hash = createHash('sha256');
    for (const row of rows()) {
      for (const value of row) {
        if (Buffer.isBuffer(value)) hash.update(`b${String(value.length)}:`).update(value);
        else hash.update(`${typeof value}${String(value).length}:${String(value)}`);
      }
      hash.update('\n');
    }
    tables.set(name, hash.digest('hex'));
  }
  reader.last = { changes, tables };
  return tables;
}

export function fingerprint(world: World): Fingerprint {
  const blobs = join(world.server.dataDir, 'blobs');
  const names = [...readdirSync(blobs).filter((name) => name !== 'tmp'), ...readdirSync(join(blobs, 'tmp')).map((name) => `tmp/${name}`)].sort();
  const files = names.map((name) => `${name}:${String(statSync(join(blobs, name)).size)}`).join(',');
  return { tables: tableDigests(world.database), files };
}

/** Names of the tables whose rows differ, plus 'blobs' when the blob files differ. */
export function changedParts(before: Fingerprint, after: Fingerprint): string[] {
  const names = new Set([...before.tables.keys(), ...after.tables.keys()]);
  const changed = [...names].filter((name) => before.tables.get(name) !== after.tables.get(name));
  return before.files === after.files ? changed : [...changed, 'blobs'];
}
