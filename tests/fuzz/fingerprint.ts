// Whether a request changed anything: what the harness snapshot covers (every row of every table, every
// blob file), digested per table rather than printed so that thousands of requests stay fast, plus the
// size of each blob file (a refused chunk must not grow its temporary file).
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestServer } from '../integration/harness.ts';

export interface Fingerprint {
  /** A digest of every table's rows, by table name. */
  tables: Map<string, string>;
  /** Every blob file, published and temporary, with its size. */
  files: string;
}

type Sqlite = TestServer['state']['storage']['sqlite'];

interface Reader {
  tables: [name: string, rows: () => unknown[][]][];
  totalChanges: () => number;
  /** The last digest, and the connection's change count when it was taken. */
  last?: { changes: number; tables: Map<string, string> };
}

const readers = new WeakMap<Sqlite, Reader>();

/** Statements prepared once per database: the fingerprint runs twice per request. */
function readerOf(sqlite: Sqlite): Reader {
  let reader = readers.get(sqlite);
  if (reader === undefined) {
    const names = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    const changes = sqlite.prepare('SELECT total_changes() AS changes');
    reader = {
      tables: names.map(({ name }) => {
        const statement = sqlite.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).raw();
        return [name, () => statement.all() as unknown[][]];
      }),
      totalChanges: () => (changes.get() as { changes: number }).changes,
    };
    readers.set(sqlite, reader);
  }
  return reader;
}

/**
 * The digest of every table is reused while the connection (the app's only one) has made no change:
 * total_changes() counts every row written, even a write rolled back or one that rewrote a same value.
 */
function tableDigests(sqlite: Sqlite): Map<string, string> {
  const reader = readerOf(sqlite);
  const changes = reader.totalChanges();
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

export function fingerprint(server: TestServer): Fingerprint {
  const blobs = join(server.dataDir, 'blobs');
  const names = [...readdirSync(blobs).filter((name) => name !== 'tmp'), ...readdirSync(join(blobs, 'tmp')).map((name) => `tmp/${name}`)].sort();
  const files = names.map((name) => `${name}:${String(statSync(join(blobs, name)).size)}`).join(',');
  return { tables: tableDigests(server.state.storage.sqlite), files };
}

/** Names of the tables whose rows differ, plus 'blobs' when the blob files differ. */
export function changedParts(before: Fingerprint, after: Fingerprint): string[] {
  const names = new Set([...before.tables.keys(), ...after.tables.keys()]);
  const changed = [...names].filter((name) => before.tables.get(name) !== after.tables.get(name));
  return before.files === after.files ? changed : [...changed, 'blobs'];
}
