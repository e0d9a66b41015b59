// The fuzzer's world database on SQLite: a connection of its own to DATA_DIR/vault.sqlite3, beside the
// server's. Digests reuse the last ones while the file has not changed; a restore refills every table from
// the template's copy of the file (ATTACH), in one transaction.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { WorldDatabase } from './world-database.ts';

type Sqlite = Database.Database;

export function openSqliteWorldDatabase(dataDir: string, template: string): WorldDatabase {
  const sqlite = new Database(join(dataDir, 'vault.sqlite3'));
  const digests = digester(sqlite);
  return {
    digests: () => Promise.resolve(digests()),
    restore: () => {
      restore(sqlite, join(template, 'vault.sqlite3'));
      return Promise.resolve();
    },
    close: () => {
      sqlite.close();
      return Promise.resolve();
    },
  };
}

function tableNames(sqlite: Sqlite): string[] {
  return (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(({ name }) => name);
}

/**
 * Statements prepared once (the fingerprint runs twice per request), and the digest of every table reused
 * while the database has not changed: data_version moves when another connection (the server's) commits,
 * total_changes() when this one writes (a restore), even a write that rewrote a same value.
 */
function digester(sqlite: Sqlite): () => Map<string, string> {
  const tables = tableNames(sqlite).map((name) => [name, sqlite.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).raw()] as const);
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  const totalChanges = sqlite.prepare('SELECT total_changes()').pluck();
  let last: { changes: string; digests: Map<string, string> } | undefined;
  return () => {
    const changes = `${String(dataVersion.get())}:${String(totalChanges.get())}`;
    if (last?.changes === changes) return last.digests;
    const digests = new Map(tables.map(([name, statement]) => [name, digestOf(statement.all() as unknown[][])]));
    last = { changes, digests };
    return digests;
  };
}

function digestOf(rows: unknown[][]): string {
  const hash = createHash('sha256');
  for (const row of rows) {
    for (const value of row) {
      if (Buffer.isBuffer(value)) hash.update(`b${String(value.length)}:`).update(value);
      else hash.update(`${typeof value}${String(value).length}:${String(value)}`);
    }
    hash.update('\n');
  }
  return hash.digest('hex');
}

/** Every table emptied and refilled from the seed file, foreign keys off for the while. */
function restore(sqlite: Sqlite, seedFile: string): void {
  const tables = tableNames(sqlite);
  sqlite.prepare('ATTACH DATABASE ? AS seed').run(seedFile);
  sqlite.pragma('foreign_keys = OFF');
  try {
    sqlite.transaction(() => {
      for (const name of tables) {
        sqlite.exec(`DELETE FROM main."${name}"`);
        sqlite.exec(`INSERT INTO main."${name}" SELECT * FROM seed."${name}"`);
      }
    })();
  } finally {
    sqlite.pragma('foreign_keys = ON');
    sqlite.exec('DETACH DATABASE seed');
  }
}
