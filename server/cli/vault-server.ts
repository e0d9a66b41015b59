// `vault-server backup|restore`: the operator's commands (server/backup/). Exit codes and every printed
// line are in messages.ts. Run as the entry point, or call cli() from a test.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BackupError } from '../backup/errors.ts';
import { createBackup } from '../backup/snapshot.ts';
import { restoreBackup } from '../backup/restore.ts';
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

async function backup(args: readonly string[], io: CliIo): Promise<number> {
  const values = options(args, { out: { type: 'string' }, data: { type: 'string' } });
  if (values.out === undefined || values.out === '') throw new UsageError();
  const progress = progressPrinter(TEXT.copying, io.err);
  const summary = await createBackup({ dataDir: values.data ?? io.env.DATA_DIR ?? './data', outDir: values.out, onProgress: progress.update });
  progress.finish();
  io.out(TEXT.backupDone(summary.files, formatBytes(summary.blobBytes), summary.attempts));
  io.out(summary.secretIncluded ? TEXT.protectBackup : TEXT.secretNotIncluded);
  return EXIT.ok;
}

async function restore(args: readonly string[], io: CliIo): Promise<number> {
  const values = options(args, { from: { type: 'string' }, data: { type: 'string' }, force: { type: 'boolean' } });
  if (values.from === undefined || values.from === '' || values.data === undefined || values.data === '') throw new UsageError();
  const progress = progressPrinter(TEXT.copying, io.err);
  const summary = await restoreBackup({ fromDir: values.from, dataDir: values.data, force: values.force === true, onProgress: progress.update });
  progress.finish();
  io.out(TEXT.restoreDone(summary.files, formatBytes(summary.bytes)));
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
