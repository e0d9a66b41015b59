// Runs PostgreSQL's client programs (pg_dump, pg_restore) without ever exposing the URL's password: the
// command line (visible to every local user through ps) gets the URL without it, the child gets it in
// PGPASSWORD, and anything the tool prints is masked before it goes into an error.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { redactSecrets, withoutPassword } from '../../shared/database-url.ts';

/** Enough of a tool's stderr to say what went wrong. */
const STDERR_KEEP = 2_000;

/** A failed tool run: its exit code and the end of its stderr, with every secret of the URL masked. */
export class PgToolError extends Error {
  override readonly name = 'PgToolError';
}

export interface PgToolRun {
  tool: 'pg_dump' | 'pg_restore';
  args: readonly string[];
  /** The database to connect to, passed as --dbname without its password; none for a file-only run. */
  databaseUrl?: string;
  /** Each line the tool writes to stdout (pg_restore --file=-). */
  onLine?: (line: string) => void;
}

export async function runPgTool(run: PgToolRun): Promise<void> {
  const connection = run.databaseUrl === undefined ? null : withoutPassword(run.databaseUrl);
  const args = connection === null ? [...run.args] : [...run.args, `--dbname=${connection.url}`];
  const child = spawn(run.tool, args, {
    env: { ...process.env, ...(connection?.password === undefined ? {} : { PGPASSWORD: connection.password }) },
    stdio: ['ignore', run.onLine === undefined ? 'ignore' : 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => { stderr = (stderr + text).slice(-STDERR_KEEP); });
  const lines = run.onLine === undefined || child.stdout === null ? Promise.resolve() : readLines(child.stdout, run.onLine);
  const exit = new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', done);
  });
  let code: number | null;
  try {
    [code] = await Promise.all([exit, lines]);
  } catch (error) {
    child.kill();
    const reason = error instanceof Error && 'code' in error && error.code === 'ENOENT' ? 'not found on PATH' : 'failed';
    throw new PgToolError(`${run.tool} ${reason}: ${redactOf(error instanceof Error ? error.message : String(error), run.databaseUrl)}`);
  }
  if (code !== 0) throw new PgToolError(`${run.tool} exited with code ${String(code)}: ${redactOf(stderr.trim(), run.databaseUrl)}`);
}

async function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): Promise<void> {
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) onLine(line);
}

function redactOf(message: string, databaseUrl: string | undefined): string {
  return databaseUrl === undefined ? message : redactSecrets(message, databaseUrl);
}
