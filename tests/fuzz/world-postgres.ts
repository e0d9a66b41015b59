// The fuzzer's world database on PostgreSQL: a client of its own on the server's test database, beside the
// server's pool. A fingerprint is one query (an md5 of each table's rows as text, sorted, since rows have
// no order of their own), skipped while nothing committed; sequences are not digested (a rolled-back
// insert moves one without changing a row). The seeded rows are read once, at open time, into one script
// that restores them in one transaction and one round trip: every table emptied with DELETE (TRUNCATE …
// RESTART IDENTITY took about 120 ms a restore, DELETE of these few rows a few; the append-only trigger of
// access_events guards UPDATE only), the rows inserted back parents first, and each sequence (the
// access_events id) set back to where it was.
import pg from 'pg';
import type { WorldDatabase } from './world-database.ts';

export async function openPostgresWorldDatabase(url: string): Promise<WorldDatabase> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await tableNames(client);
    const digestQuery = digestQueryOf(client, tables);
    const restoreScript = await restoreScriptOf(client, tables);
    const digests = digester(client, digestQuery);
    return {
      digests,
      restore: () => runScript(client, restoreScript),
      close: () => client.end(),
    };
  } catch (error) {
    await client.end();
    throw error;
  }
}

/**
 * The digests of every table, reused while no transaction with a write has ended anywhere on the server:
 * each one leaves the set of running transactions of pg_current_snapshot(), or moves its upper bound, so an
 * unchanged snapshot means unchanged rows (others' transactions, in other databases, only cost a digest).
 */
function digester(client: pg.Client, digestQuery: string): () => Promise<Map<string, string>> {
  let last: { mark: string; digests: Map<string, string> } | undefined;
  return async () => {
    const mark = (await client.query<{ mark: string }>('SELECT pg_current_snapshot()::text AS mark')).rows[0]?.mark ?? '';
    if (last?.mark === mark) return last.digests;
    const digests = new Map((await client.query<{ name: string; digest: string }>({ name: 'fuzz-digests', text: digestQuery })).rows.map(({ name, digest }) => [name, digest]));
    last = { mark, digests };
    return digests;
  };
}

/** The application's tables (drizzle keeps its migration journal in a schema of its own). */
async function tableNames(client: pg.Client): Promise<string[]> {
  const result = await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  return result.rows.map(({ name }) => name);
}

function digestQueryOf(client: pg.Client, tables: string[]): string {
  return tables
    .map((name) => `SELECT ${client.escapeLiteral(name)} AS name, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest FROM ${client.escapeIdentifier(name)} t`)
    .join('\nUNION ALL\n');
}

/**
 * The statements that bring every table back to its rows now (the seeded state, read once): emptied
 * children first, filled parents first, and each sequence set back to where it is now.
 */
async function restoreScriptOf(client: pg.Client, tables: string[]): Promise<string> {
  const order = await parentsFirst(client, tables);
  const statements = order.toReversed().map((name) => `DELETE FROM ${client.escapeIdentifier(name)}`);
  for (const name of order) {
    const table = client.escapeIdentifier(name);
    const { rows } = await client.query<{ rows: string | null }>(`SELECT json_agg(t)::text AS rows FROM ${table} t`);
    const json = rows[0]?.rows ?? null;
    if (json !== null) statements.push(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, ${client.escapeLiteral(json)})`);
  }
  const sequences = await client.query<{ name: string }>("SELECT format('%I.%I', schemaname, sequencename) AS name FROM pg_sequences WHERE schemaname = 'public'");
  for (const { name } of sequences.rows) {
    const { rows } = await client.query<{ value: string; called: boolean }>(`SELECT last_value::text AS value, is_called AS called FROM ${name}`);
    const state = rows[0];
    if (state !== undefined) statements.push(`SELECT setval(${client.escapeLiteral(name)}, ${state.value}, ${String(state.called)})`);
  }
  return statements.join(';\n');
}

/** The tables in an order where each comes after every table its foreign keys name (there is no cycle). */
async function parentsFirst(client: pg.Client, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    "SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace",
  );
  const ordered: string[] = [];
  const pending = new Set(tables);
  while (pending.size > 0) {
    const ready = [...pending].filter((name) => rows.every(({ child, parent }) => child !== name || parent === name || !pending.has(parent)));
    if (ready.length === 0) throw new Error(`foreign keys in a cycle among ${[...pending].join(', ')}`);
    for (const name of ready) {
      ordered.push(name);
      pending.delete(name);
    }
  }
  return ordered;
}

/** A script of several statements in one transaction: the simple protocol sends it in one round trip. */
async function runScript(client: pg.Client, script: string): Promise<void> {
  try {
    await client.query(`BEGIN;\n${script};\nCOMMIT`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
