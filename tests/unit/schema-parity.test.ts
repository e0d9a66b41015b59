// The PostgreSQL schema mirrors the SQLite one: same tables, columns (with their SQL type mapped), nullness,
// defaults, keys, foreign keys with their cascade, and indexes with their partial conditions. A column added
// to one schema only fails here, so the two backends cannot drift apart.
import { is, SQL } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pg from '../../server/storage/schema-pg.ts';
import * as sqlite from '../../server/storage/schema.ts';

/** SQLite type -> the PostgreSQL types allowed for it (integer: 32 or 64 bits; blob: bytea). */
const TYPE_MAP: Record<string, readonly string[]> = { text: ['text'], integer: ['integer', 'bigint', 'bigserial'], blob: ['bytea'] };

interface ColumnShape { name: string; type: string; notNull: boolean; primary: boolean; hasDefault: boolean; unique: boolean }
interface TableShape {
  columns: ColumnShape[];
  primaryKeys: string[][];
  foreignKeys: string[];
  indexes: string[];
}
type Config = ReturnType<typeof sqliteTableConfig> | ReturnType<typeof pgTableConfig>;

function whereText(where: unknown): string {
  if (!is(where, SQL)) return '';
  // A partial index's condition is one raw string chunk here (sql`sequence > 0`).
  return where.queryChunks.map((chunk) => (chunk !== undefined && 'value' in chunk ? String(chunk.value) : '')).join('');
}

function shape(config: Config, typeOf: (sqlType: string) => string): TableShape {
  return {
    columns: config.columns.map((column) => ({
      name: column.name, type: typeOf(column.getSQLType()), notNull: column.notNull, primary: column.primary, hasDefault: column.hasDefault, unique: column.isUnique,
    })),
    primaryKeys: config.primaryKeys.map((key) => key.columns.map((column) => column.name)),
    foreignKeys: config.foreignKeys.map((key) => {
      const reference = key.reference();
      const target = 'foreignTable' in reference ? tableName(reference.foreignTable) : '';
      return `${reference.columns.map((c) => c.name).join(',')} -> ${target}(${reference.foreignColumns.map((c) => c.name).join(',')}) on delete ${key.onDelete ?? 'no action'}`;
    }).sort(),
    indexes: config.indexes.map((index) => {
      const columns = index.config.columns.map((column) => ('name' in column ? column.name : '?')).join(',');
      return `${index.config.name} ${index.config.unique ? 'unique ' : ''}(${columns}) ${whereText(index.config.where)}`.trim();
    }).sort(),
  };
}

function tableName(table: unknown): string {
  if (is(table, SQLiteTable)) return sqliteTableConfig(table).name;
  if (is(table, PgTable)) return pgTableConfig(table).name;
  return '?';
}

const sqliteTables: SQLiteTable[] = Object.values(sqlite as Record<string, unknown>).filter((value): value is SQLiteTable => is(value, SQLiteTable));
const pgTables: PgTable[] = Object.values(pg as Record<string, unknown>).filter((value): value is PgTable => is(value, PgTable));
const sqliteShape = (table: SQLiteTable) => shape(sqliteTableConfig(table), (type) => type);
// Each PostgreSQL type is named by the SQLite type it stands for, when the map allows it.
const pgShape = (table: PgTable) => shape(pgTableConfig(table), (type) => Object.keys(TYPE_MAP).find((key) => TYPE_MAP[key]?.includes(type)) ?? `pg:${type}`);

describe('the PostgreSQL schema mirrors the SQLite schema', () => {
  it('has the same tables', () => {
    expect(pgTables.map((table) => pgTableConfig(table).name).sort()).toEqual(sqliteTables.map((table) => sqliteTableConfig(table).name).sort());
    expect(sqliteTables.length).toBeGreaterThanOrEqual(15);
  });

  for (const table of sqliteTables) {
    const name = sqliteTableConfig(table).name;
    it(`${name}: same columns, types, keys, foreign keys and indexes`, () => {
      const twin = pgTables.find((candidate) => pgTableConfig(candidate).name === name);
      expect(twin, `no PostgreSQL table ${name}`).toBeDefined();
      if (twin !== undefined) expect(pgShape(twin)).toEqual(sqliteShape(table));
    });
  }

  it('notices a difference: a column with another type is not the same shape', () => {
    const renamed = { ...pgShape(pg.accounts), columns: pgShape(pg.accounts).columns.map((column) => (column.name === 'created_at' ? { ...column, type: 'text' } : column)) };
    expect(renamed).not.toEqual(sqliteShape(sqlite.accounts));
  });
});
