// `vault-server backup|restore`: the operator's commands (server/backup/). Exit codes and every printed
// line are in messages.ts. Run as the entry point, or call cli() from a test.
// The data is either a DATA_DIR (--data, SQLite) or a PostgreSQL database and its blob folder
// (--database-url with --blobs), never both. A password is best left out of the URL (ps shows a command
// line) and given as PGPASSWORD, which both node-postgres and pg_dump/pg_restore read.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BackupError } from '../backup/errors.ts';
import { createBackup, type BackupSource } from '../backup/snapshot.ts';
import { restoreBackup, type RestoreTarget } from '../backup/restore.ts';
import { formatBytes } from './format-bytes.ts';
import { EXIT, errorMessage, TEXT, USAGE } from './messages.ts';
import { progressPrinter, type ProgressStream } from './progress.ts';

export interface CliIo {
  out: (line: string) => void;
  err: ProgressStream;
  env: Record<string, string | undefined>;
}

const PROCESS_IO: CliIo = { out: (line) => { console.log(line); }, err: process.stderr, env: process.env };

/** Runs one command for `argv` (without node and script); returns the exit code. */
export async function cli(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'backup') return await backup(rest, io);
    if (command === 'restore') return await restore(rest, io);
    return usage(io, command === '--help' || command === '-h' ? EXIT.ok : EXIT.usage);
  } catch (error) {
    if (error instanceof UsageError) return usage(io, EXIT.usage);
    if (error instanceof BackupError) {
      const { exit, text } = errorMessage(error.code);
      io.err.write(`${text}\n`);
      return exit;
    }
    io.err.write(`${TEXT.unexpected} (${error instanceof Error ? error.name : typeof error})\n`);
    return EXIT.unexpected;
  }
}

class UsageError extends Error {}

function options<T extends Record<string, { type: 'string' | 'boolean' }>>(args: readonly string[], spec: T) {
  try {
    return parseArgs({ args: [...args], options: spec, strict: true, allowPositionals: false }).values;
  } catch {
    throw new UsageError();
  }
}

const LOCATION = { data: { type: 'string' }, 'database-url': { type: 'string' }, blobs: { type: 'string' } } as const;

/** --data DIR, or --database-url URL with --blobs DIR; `fallbackDataDir` when none is given (backup only). */
function locationOf(values: { data?: string; 'database-url'?: string; blobs?: string }, fallbackDataDir?: string): BackupSource & RestoreTarget {
  const { data, blobs } = values;
  const databaseUrl = values['database-url'];
  if (databaseUrl !== undefined) {
    if (data !== undefined || !nonEmpty(databaseUrl) || !nonEmpty(blobs) || !URL.canParse(databaseUrl)) throw new UsageError();
    return { databaseUrl, blobsDir: blobs };
  }
  if (blobs !== undefined) throw new UsageError();
  const dataDir = data ?? fallbackDataDir;
  if (!nonEmpty(dataDir)) throw new UsageError();
  return { dataDir };
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

async function backup(args: readonly string[], io: CliIo): Promise<number> {
  const values = options(args, { out: { type: 'string' }, ...LOCATION });
  if (values.out === undefined || values.out === '') throw new UsageError();
  const source = locationOf(values, io.env.DATA_DIR ?? './data');
  const progress = progressPrinter(TEXT.copying, io.err);
  const summary = await createBackup({ ...source, outDir: values.out, onProgress: progress.update });
  progress.finish();
  io.out(TEXT.backupDone(summary.files, formatBytes(summary.blobBytes), summary.attempts));
  io.out(summary.secretIncluded ? TEXT.protectBackup : TEXT.secretNotIncluded);
  return EXIT.ok;
}

async function restore(args: readonly string[], io: CliIo): Promise<number> {
  const values = options(args, { from: { type: 'string' }, force: { type: 'boolean' }, ...LOCATION });
  if (values.from === undefined || values.from === '') throw new UsageError();
  const target = locationOf(values);
  const progress = progressPrinter(TEXT.copying, io.err);
  const summary = await restoreBackup({ ...target, fromDir: values.from, force: values.force === true, onProgress: progress.update });
  progress.finish();
  const done = 'databaseUrl' in target ? TEXT.restoreDonePg : TEXT.restoreDone;
  io.out(done(summary.files, formatBytes(summary.bytes)));
  return EXIT.ok;
}

function usage(io: CliIo, code: number): number {
  io.err.write(`${USAGE}\n`);
  return code;
}

// Run only as the entry point, so tests can import cli().
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await cli(process.argv.slice(2));
}
