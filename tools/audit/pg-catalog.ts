// What PostgreSQL's own catalog says, read in the snapshot's transaction: every table, materialized view
// and view of every schema but the system's (public holds the app's tables, drizzle the migrator's
// journal; a table anywhere else is unknown, and a leak there is found too), their columns, the triggers
// (the append-only guard of migration 0001 and any other) and the access_events id sequence.
import type pg from 'pg';
import { INTERNAL_COLUMNS } from './column-classes.ts';
import { HISTORY_GUARD, type EngineFacts, type EngineObject } from './engine-facts.ts';

export interface PgTable {
  schema: string;
  name: string;
  /** Its name in the copy: the app's name for public tables and drizzle's journal, else "schema.name". */
  copyName: string;
  columns: string[];
}

export interface PgCatalog {
  tables: PgTable[];
  engine: EngineFacts;
}

/** Migration 0001's trigger and function, as pg_get_triggerdef and pg_proc.prosrc give them back. */
const GUARD_DEFINITION = /^CREATE TRIGGER access_events_no_update BEFORE UPDATE ON public\.access_events FOR EACH ROW EXECUTE FUNCTION (public\.)?access_events_refuse_update\(\)$/;
const GUARD_SOURCE = "BEGIN IF OLD.sequence <> 0 THEN RAISE EXCEPTION 'access_events is append-only'; END IF; RETURN NEW; END";
/** Trigger states that fire in an ordinary session (O: origin and local, A: always); D is disabled, R replica only. */
const FIRING = ['O', 'A'];

interface RelationRow { schema: string; name: string; kind: string }
interface ColumnRow { schema: string; name: string; column: string }
interface TriggerRow { name: string; schema: string; table: string; enabled: string; definition: string; source: string; language: string }

export async function readPgCatalog(client: pg.Client, location: string): Promise<PgCatalog> {
  const relations = (await client.query<RelationRow>(`
    SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'm', 'v') AND NOT c.relispartition
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
    ORDER BY 1, 2`)).rows;
  const columns = (await client.query<ColumnRow>(`
    SELECT n.nspname AS schema, c.relname AS name, a.attname AS column
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'm') AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY 1, 2, a.attnum`)).rows;
  const tables = relations.filter((relation) => relation.kind !== 'v').map((relation) => ({
    schema: relation.schema,
    name: relation.name,
    copyName: copyName(relation.schema, relation.name),
    columns: columns.filter((column) => column.schema === relation.schema && column.name === relation.name).map((column) => column.column),
  }));
  const views: EngineObject[] = relations.filter((relation) => relation.kind === 'v').map((relation) => ({ type: 'view', name: `${relation.schema}.${relation.name}`, known: false }));
  const triggers = await readTriggers(client);
  const hasHistoryIds = tables.some((table) => table.schema === 'public' && table.name === 'access_events' && table.columns.includes('id'));
  return {
    tables,
    engine: {
      location,
      internalTables: ['__drizzle_migrations'],
      objects: [...views, ...triggers.objects],
      historyGuard: { intact: triggers.guardIntact, where: `pg_trigger ${HISTORY_GUARD} on public.access_events` },
      historyHighWater: hasHistoryIds ? await historyHighWater(client) : 0,
    },
  };
}

/** public.accounts -> accounts, drizzle.__drizzle_migrations -> __drizzle_migrations, anything else qualified. */
function copyName(schema: string, name: string): string {
  const own = (schema === 'public' && INTERNAL_COLUMNS[name] === undefined) || (schema === 'drizzle' && name === '__drizzle_migrations');
  const chosen = own ? name : `${schema}.${name}`;
  // SQLite reserves names that start with "sqlite_": such a table is copied under another, still unknown, name.
  return /^sqlite_/i.test(chosen) ? `pg:${chosen}` : chosen;
}

async function readTriggers(client: pg.Client): Promise<{ objects: EngineObject[]; guardIntact: boolean }> {
  const rows = (await client.query<TriggerRow>(`
    SELECT t.tgname AS name, n.nspname AS schema, c.relname AS table, t.tgenabled AS enabled,
      pg_get_triggerdef(t.oid) AS definition, p.prosrc AS source, l.lanname AS language
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_language l ON l.oid = p.prolang
    WHERE NOT t.tgisinternal
    ORDER BY 2, 3, 1`)).rows;
  const isGuard = (row: TriggerRow) => row.name === HISTORY_GUARD && row.schema === 'public' && row.table === 'access_events';
  const guard = rows.find(isGuard);
  const guardIntact = guard !== undefined && FIRING.includes(guard.enabled) && GUARD_DEFINITION.test(guard.definition)
    && guard.language === 'plpgsql' && guard.source.replace(/\s+/g, ' ').trim() === GUARD_SOURCE;
  const events = (await client.query<{ name: string }>('SELECT evtname AS name FROM pg_event_trigger ORDER BY 1')).rows;
  return {
    objects: [
      ...rows.map((row): EngineObject => ({ type: 'trigger', name: isGuard(row) ? HISTORY_GUARD : `${row.name} on ${row.schema}.${row.table}`, known: isGuard(row) })),
      ...events.map((row): EngineObject => ({ type: 'trigger', name: `event trigger ${row.name}`, known: false })),
    ],
    guardIntact,
  };
}

/**
 * The highest id the sequence behind access_events.id handed out. Sequences are outside transactions, so
 * this is read after the snapshot's rows exist and can only be higher than any id among them.
 */
async function historyHighWater(client: pg.Client): Promise<number> {
  const sequence = (await client.query<{ name: string | null }>("SELECT pg_get_serial_sequence('public.access_events', 'id') AS name")).rows[0]?.name ?? null;
  if (sequence === null) return 0;
  // pg_get_serial_sequence returns the name already quoted as an identifier.
  const row = (await client.query<{ mark: bigint }>(`SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END AS mark FROM ${sequence}`)).rows[0];
  return row === undefined ? 0 : Number(row.mark);
}
