// Whether a request changed anything: what the harness snapshot covers (every row of every table, every
// blob file), digested per table rather than printed so that thousands of requests stay fast, plus the
// size of each blob file (a refused chunk must not grow its temporary file). The rows are digested through
// the fuzzer's own connection to the server's database, on either engine (world-database.ts).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { World } from './world.ts';

export interface Fingerprint {
  /** A digest of every table's rows, by table name. */
  tables: Map<string, string>;
  /** Every blob file, published and temporary, with its size. */
  files: string;
}

export async function fingerprint(world: World): Promise<Fingerprint> {
  const blobs = join(world.server.dataDir, 'blobs');
  const names = [...readdirSync(blobs).filter((name) => name !== 'tmp'), ...readdirSync(join(blobs, 'tmp')).map((name) => `tmp/${name}`)].sort();
  const files = names.map((name) => `${name}:${String(statSync(join(blobs, name)).size)}`).join(',');
  return { tables: await world.database.digests(), files };
}

/** Names of the tables whose rows differ, plus 'blobs' when the blob files differ. */
export function changedParts(before: Fingerprint, after: Fingerprint): string[] {
  const names = new Set([...before.tables.keys(), ...after.tables.keys()]);
  const changed = [...names].filter((name) => before.tables.get(name) !== after.tables.get(name));
  return before.files === after.files ? changed : [...changed, 'blobs'];
}
