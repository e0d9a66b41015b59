// The API server as `npm start` runs it (server/main.ts in its own Node process) on a DATA_DIR the caller
// keeps across restarts, so a test can SIGKILL it at any moment and start it again on the same data. The web
// app is not built: STATIC_DIR is a folder with a stub index.html, which is all main.ts asks for. A standby
// process (warm-main.ts) has the server's code loaded before the kill, so a restart takes milliseconds.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForUrl } from '../e2e/server-process.ts';
import { REPO_ROOT } from '../paths.ts';

export interface RunningServer {
  url: string;
  /** SIGKILL now, as a power cut or the OOM killer would; resolves once the process is gone. */
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
  return running(spawnServer(['server/main.ts'], dataDir, staticDir, env), null);
}

/** A server process whose code is loaded but that has not opened DATA_DIR yet (tests/faults/warm-main.ts). */
export interface StandbyServer {
  /** Opens DATA_DIR (start-up sweep included) and serves; resolves once it does. */
  start: () => Promise<RunningServer>;
  /** Ends it without starting it. */
  discard: () => Promise<void>;
}

export function standbyServer(dataDir: string, staticDir: string): StandbyServer {
  const spawned = spawnServer(['tests/faults/warm-main.ts'], dataDir, staticDir);
  return {
    start: () => running(spawned, () => { spawned.child.stdin?.write('go\n'); }),
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

async function running(spawned: Spawned, go: (() => void) | null): Promise<RunningServer> {
  const { child, output, signal } = spawned;
  try {
    const url = await waitForUrl(child, output, START_TIMEOUT_MS, go ?? undefined);
    return { url, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM'), output };
  } catch (error) {
    await signal('SIGKILL');
    throw error;
  }
}
