// docs/what-the-server-sees.md must list exactly the columns of the SQLite schema, each with an allowed
// class and a reason: a column added to server/storage/schema.ts without a row on the page (a plaintext
// title, say) fails here, and so does a row naming a column that no longer exists. The schema is read
// from the drizzle table objects themselves; a freshly migrated database must hold exactly those tables
// plus the internal ones the page lists in its second table (drizzle's journal, SQLite's sequence).
// tools/audit/column-classes.ts holds the same list as data (the audit tool's source of classes): the page's
// rows and that module must name the same columns with the same classes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { is } from 'drizzle-orm';
import { getTableConfig, integer, SQLiteTable, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { openStorage } from '../../server/storage/database.ts';
import { DATABASE_FILE } from '../../server/storage/sqlite-database.ts';
import * as schema from '../../server/storage/schema.ts';
import { COLUMN_CLASS_NAMES, columnClassList, INTERNAL_COLUMNS, SCHEMA_COLUMNS } from '../../tools/audit/column-classes.ts';
import { REPO_ROOT } from '../paths.ts';

const PAGE = resolve(REPO_ROOT, 'docs/what-the-server-sees.md');
const START = '<!-- server-sees:columns:start -->';
const END = '<!-- server-sees:columns:end -->';
const INTERNAL = 'internal';

const CLASSES: readonly string[] = COLUMN_CLASS_NAMES;

interface PageRow {
  key: string;
  cls: string;
  why: string;
}

/** "table.column" for every column of every table given. */
function schemaColumns(tables: readonly SQLiteTable[]): string[] {
  return tables.flatMap((table) => {
    const config = getTableConfig(table);
    return config.columns.map((column) => `${config.name}.${column.name}`);
  });
}

function exportedTables(module: Record<string, unknown>): SQLiteTable[] {
  return Object.values(module).filter((value): value is SQLiteTable => is(value, SQLiteTable));
}

/** The rows of the table between the markers; header and separator skipped, backticks dropped. */
function pageRows(markdown: string, block = 'columns'): PageRow[] {
  const open = `<!-- server-sees:${block}:start -->`;
  const start = markdown.indexOf(open);
  const end = markdown.indexOf(`<!-- server-sees:${block}:end -->`);
  if (start < 0 || end < start) return [];
  const lines = markdown.slice(start + open.length, end).split('\n').filter((line) => line.trim().startsWith('|'));
  return lines.slice(2).map((line) => {
    const cells = line.trim().slice(1, -1).split('|').map((cell) => cell.trim().replaceAll('`', ''));
    const [table = '', column = '', cls = '', ...why] = cells;
    return { key: `${table}.${column}`, cls, why: why.join('|').trim() };
  });
}

/** Every disagreement between the schema's columns and the page's rows; empty when they agree. */
function compare(columns: readonly string[], rows: readonly PageRow[]): string[] {
  const problems: string[] = [];
  if (rows.length === 0) problems.push('no column table between the markers');
  const listed = new Set(rows.map((row) => row.key));
  const existing = new Set(columns);
  for (const column of columns) if (!listed.has(column)) problems.push(`missing from the page: ${column}`);
  const seen = new Set<string>();
  for (const row of rows) {
    if (!existing.has(row.key)) problems.push(`not in the schema: ${row.key}`);
    if (seen.has(row.key)) problems.push(`listed twice: ${row.key}`);
    seen.add(row.key);
    if (!CLASSES.includes(row.cls)) problems.push(`unknown class "${row.cls}": ${row.key}`);
    if (row.why === '') problems.push(`no reason given: ${row.key}`);
  }
  return problems;
}

/**
 * "table.column" of every table in a SQLite database freshly migrated by the server's own openStorage()
 * (no DATABASE_URL: DATA_DIR/vault.sqlite3), read back from the file's own catalogue.
 */
async function migratedColumns(): Promise<string[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'server-sees-'));
  try {
    await (await openStorage({ dataDir })).close();
    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      return tables.flatMap((table) => {
        const names = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
        return names.map((column) => `${table}.${column}`);
      });
    } finally {
      db.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const realTables = exportedTables(schema);
const page = readFileSync(PAGE, 'utf8');

describe('what the server sees', () => {
  it('the page lists every schema column once, with an allowed class and a reason, and nothing else', () => {
    const columns = schemaColumns(realTables);
    expect(realTables.length).toBe(15);
    expect(columns.length).toBeGreaterThan(50);
    expect(compare(columns, pageRows(page))).toEqual([]);
    expect(pageRows(page)).toHaveLength(columns.length);
  });

  it('a migrated database holds the drizzle schema plus exactly the internal tables the page lists', async () => {
    const internal = pageRows(page, INTERNAL);
    const internalKeys = new Set(internal.map((row) => row.key));
    const columns = await migratedColumns();
    expect(internal.length).toBeGreaterThan(0);
    expect(compare(columns, [...pageRows(page), ...internal])).toEqual([]);
    expect(columns.filter((column) => !internalKeys.has(column)).sort()).toEqual(schemaColumns(realTables).sort());
  });

  it('the page and tools/audit/column-classes.ts give the same class to the same columns', () => {
    const asPairs = (rows: readonly { key: string; cls: string }[]) => rows.map((row) => `${row.key}: ${row.cls}`).sort();
    expect(asPairs(pageRows(page))).toEqual(asPairs(columnClassList(SCHEMA_COLUMNS)));
    expect(asPairs(pageRows(page, INTERNAL))).toEqual(asPairs(columnClassList(INTERNAL_COLUMNS)));
  });

  it('reports a schema column the page does not list (a plaintext title slipped in)', () => {
    const leak = sqliteTable('documents', { title: text('title'), pages: integer('pages') });
    const problems = compare(schemaColumns([...realTables, leak]), pageRows(page));
    expect(problems).toEqual(['missing from the page: documents.title', 'missing from the page: documents.pages']);
  });

  it('reports a page row for a column that does not exist, an unknown class, a duplicate and a missing reason', () => {
    const extra = [
      '| `accounts` | `display_name` | account identifier | Gone long ago. |',
      '| `accounts` | `id` | plaintext | Listed twice. |',
      '| `sessions` | `created_at` | timestamp |  |',
    ].join('\n');
    const edited = page.replace(END, `${extra}\n${END}`);
    expect(compare(schemaColumns(realTables), pageRows(edited))).toEqual([
      'not in the schema: accounts.display_name',
      'listed twice: accounts.id',
      'unknown class "plaintext": accounts.id',
      'listed twice: sessions.created_at',
      'no reason given: sessions.created_at',
    ]);
  });

  it('reports a page without the marked table', () => {
    expect(compare(schemaColumns(realTables), pageRows(page.replace(START, '')))[0]).toBe('no column table between the markers');
  });
});
