// The API server as `npm start` runs it (server/main.ts in its own Node process) on a DATA_DIR the caller
// keeps across restarts, so a test can SIGKILL it at any moment and start it again on the same data. The web
// app is not built: STATIC_DIR is a folder with a stub index.html, which is all main.ts asks for. A standby
// process (warm-main.ts) has the server's code loaded before the kill, so a restart takes milliseconds.
// With DATABASE_URL in its env, a kill is over only once PostgreSQL has ended the dead server's sessions:
// until then a COMMIT it sent just before dying may still commit.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { waitForUrl } from '../e2e/server-process.ts';
import { REPO_ROOT } from '../paths.ts';

export interface RunningServer {
  url: string;
  /**
   * SIGKILL now, as a power cut or the OOM killer would; resolves once the process is gone (and, on
   * PostgreSQL, its database sessions with it).
   */
  kill: () => Promise<void>;
  /** SIGTERM (the graceful stop); resolves once the process is gone. */
  stop: () => Promise<void>;
  /** Everything it printed. */
  output: () => string;
}

const START_TIMEOUT_MS = 30_000;

/** A folder holding only a stub index.html, for STATIC_DIR. */
export function stubStaticDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faults-static-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>stub</title>\n');
  return dir;
}

/**
 * Spawns `npm start`'s command (node --import tsx server/main.ts) and waits until it serves. `env` adds to
 * the process's environment (e.g. where its database is).
 */
export async function startServer(dataDir: string, staticDir: string, env: Record<string, string> = {}): Promise<RunningServer> {
  return running(spawnServer(['server/main.ts'], dataDir, staticDir, env), env, null);
}

/** A server process whose code is loaded but that has not opened DATA_DIR yet (tests/faults/warm-main.ts). */
export interface StandbyServer {
  /** Opens DATA_DIR (start-up sweep included) and serves; resolves once it does. */
  start: () => Promise<RunningServer>;
  /** Ends it without starting it. */
  discard: () => Promise<void>;
}

/** `env` as for startServer; the standby loads the code of the engine it names. */
export function standbyServer(dataDir: string, staticDir: string, env: Record<string, string> = {}): StandbyServer {
  const spawned = spawnServer(['tests/faults/warm-main.ts'], dataDir, staticDir, env);
  return {
    start: () => running(spawned, env, () => { spawned.child.stdin?.write('go\n'); }),
    discard: async () => { await spawned.signal('SIGKILL'); },
  };
}

interface Spawned {
  child: ChildProcess;
  output: () => string;
  signal: (name: NodeJS.Signals) => Promise<void>;
}

function spawnServer(args: string[], dataDir: string, staticDir: string, env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, STATIC_DIR: staticDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => { output += text; });
  child.stderr.setEncoding('utf8').on('data', (text: string) => { output += text; });
  const gone = new Promise<void>((done) => { child.once('exit', () => { done(); }); });
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return gone;
  };
  return { child, output: () => output, signal };
}

async function running(spawned: Spawned, env: Record<string, string>, go: (() => void) | null): Promise<RunningServer> {
  const { child, output, signal } = spawned;
  const databaseUrl = env.DATABASE_URL;
  // One kill however many callers ask (a test's timer, then its main loop): one wait for the sessions.
  let killed: Promise<void> | undefined;
  const kill = () => {
    killed ??= signal('SIGKILL').then(() => (databaseUrl === undefined ? undefined : sessionsEnded(databaseUrl)));
    return killed;
  };
  try {
    const url = await waitForUrl(child, output, START_TIMEOUT_MS, go ?? undefined);
    return { url, kill, stop: () => signal('SIGTERM'), output };
  } catch (error) {
    await signal('SIGKILL');
    throw error;
  }
}

const SESSIONS_END_TIMEOUT_MS = 10_000;
const SESSIONS_PROBE = 'faults-sessions-probe';

/**
 * Waits until no client session but these probes is connected to the database of `databaseUrl`. A dead client's idle
 * sessions end at once; a busy one ends after its statement, which may be a COMMIT sent before the kill.
 */
async function sessionsEnded(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: SESSIONS_PROBE });
  await client.connect();
  try {
    const deadline = Date.now() + SESSIONS_END_TIMEOUT_MS;
    for (;;) {
      // Client sessions only (an autovacuum worker on the database is no session of the server's), and
      // none of these probes (another server's kill may be waiting on the same database).
      const { rows } = await client.query<{ others: number }>(
        `SELECT count(*)::int AS others FROM pg_stat_activity
         WHERE datname = current_database() AND backend_type = 'client backend' AND application_name <> $1`,
        [SESSIONS_PROBE],
      );
      if (rows[0]?.others === 0) return;
      if (Date.now() > deadline) throw new Error(`the killed server's database sessions outlived it by ${String(SESSIONS_END_TIMEOUT_MS)} ms`);
      await sleep(5);
    }
  } finally {
    await client.end();
  }
}
