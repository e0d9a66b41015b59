// What the checks need from the storage engine's own catalog, beside the rows: the internal tables it
// keeps, its views and triggers, whether the guard that keeps access_events append-only is in place, and
// the highest access_events id it handed out. The rows are always read through SQLite (the file itself, or
// the copy of a PostgreSQL snapshot, which has no trigger and no sequence), so each form states these
// facts from its own catalog: sqliteFacts here, pgFacts in pg-catalog.ts.
import type Database from 'better-sqlite3';

export interface EngineObject {
  type: 'view' | 'trigger';
  name: string;
  /** A trigger the migrations create (the access-history guard); every view is unknown. */
  known: boolean;
}

export interface EngineFacts {
  /** Where findings about the database as a whole point: the SQLite file, or the masked URL. */
  location: string;
  /** Internal tables (column-classes.ts INTERNAL_COLUMNS) this engine must hold besides schema.ts's. */
  internalTables: readonly string[];
  /** Views and triggers, the guard included. */
  objects: readonly EngineObject[];
  /** The trigger that refuses to change a linked access_events row: in place as the migrations define it. */
  historyGuard: { intact: boolean; where: string };
  /** access_events ids above this were not handed out by the engine (SQLite's AUTOINCREMENT mark, PostgreSQL's sequence). */
  historyHighWater: number;
}

export const HISTORY_GUARD = 'access_events_no_update';

/** The facts of a SQLite file, from sqlite_master and sqlite_sequence. */
export function sqliteFacts(db: Database.Database, location: string): EngineFacts {
  const objects = db.prepare("SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger') ORDER BY name").all() as { type: 'view' | 'trigger'; name: string }[];
  const guard = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?").pluck().get(HISTORY_GUARD) as string | undefined;
  const hasSequence = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'").get() !== undefined;
  const highWater = hasSequence ? db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'access_events'").pluck().get() as number | undefined : undefined;
  return {
    location,
    internalTables: ['__drizzle_migrations', 'sqlite_sequence'],
    objects: objects.map((object) => ({ ...object, known: object.type === 'trigger' && object.name === HISTORY_GUARD })),
    historyGuard: {
      intact: guard !== undefined && /BEFORE\s+UPDATE\s+ON\s+`?access_events`?/i.test(guard) && /RAISE\s*\(\s*ABORT/i.test(guard),
      where: `sqlite_master trigger ${HISTORY_GUARD}`,
    },
    historyHighWater: highWater ?? 0,
  };
}
