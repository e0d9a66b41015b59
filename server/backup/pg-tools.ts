// Runs PostgreSQL's client programs (pg_dump, pg_restore) without ever exposing the URL's password: the
// command line (visible to every local user through ps) gets the URL without it, the child gets it in
// PGPASSWORD, and anything the tool prints is masked before it goes into an error.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const MASK = '***';
/** Query parameters libpq reads a secret from (password, and sslpassword for a client key). */
const SECRET_PARAMETER = /pass/i;
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
    throw new PgToolError(`${run.tool} ${reason}: ${redact(error instanceof Error ? error.message : String(error), run.databaseUrl)}`);
  }
  if (code !== 0) throw new PgToolError(`${run.tool} exited with code ${String(code)}: ${redact(stderr.trim(), run.databaseUrl)}`);
}

async function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): Promise<void> {
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) onLine(line);
}

/** The URL with its password (user part or query parameter) taken out, and that password, decoded. */
export function withoutPassword(databaseUrl: string): { url: string; password?: string } {
  const url = new URL(databaseUrl);
  let password: string | undefined = url.password === '' ? undefined : decodeURIComponent(url.password);
  url.password = '';
  const fromQuery = url.searchParams.get('password');
  if (fromQuery !== null) {
    password ??= fromQuery;
    url.searchParams.delete('password');
  }
  return password === undefined ? { url: url.href } : { url: url.href, password };
}

/** `message` with every secret of `databaseUrl` replaced by ***, raw or percent-decoded. */
export function redact(message: string, databaseUrl: string | undefined): string {
  if (databaseUrl === undefined) return message;
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return message.replaceAll(databaseUrl, MASK);
  }
  const secrets = [url.password, ...[...url.searchParams].filter(([key]) => SECRET_PARAMETER.test(key)).map(([, value]) => value)]
    .flatMap((secret) => [secret, safeDecode(secret)])
    .filter((secret) => secret !== '')
    .sort((a, b) => b.length - a.length);
  return secrets.reduce((text, secret) => text.replaceAll(secret, MASK), message);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
