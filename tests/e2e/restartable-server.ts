// The server as `npm start` runs it (see server-process.ts), but restartable on the same DATA_DIR and port
// (so the browser keeps its origin) with other environment variables, e.g. CLOCK_OFFSET_MS to move the
// server's clock forward. Everything every run printed is kept for the canary scans (ATK-34).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { REPO_ROOT } from '../paths.ts';
import { waitForUrl } from './server-process.ts';

export interface RestartableServer {
  url: string;
  dataDir: string;
  /** All that every run printed, stdout and stderr. */
  output: () => string;
  /** Stops the process (SIGTERM) and starts it again on the same DATA_DIR and port, with `env` added. */
  restart: (env: Record<string, string>) => Promise<void>;
  close: () => Promise<void>;
}

export async function startRestartableServer(): Promise<RestartableServer> {
  const staticDir = mkdtempSync(join(tmpdir(), 'e2e-dist-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-data-'));
  await build({ configFile: resolve(REPO_ROOT, 'vite.config.ts'), logLevel: 'silent', build: { outDir: staticDir, emptyOutDir: true } });
  let printed = '';
  let child: ChildProcess | null = null;
  const run = async (port: string, env: Record<string, string>): Promise<string> => {
    let output = '';
    const started = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: port, DATA_DIR: dataDir, STATIC_DIR: staticDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout.setEncoding('utf8').on('data', (text: string) => { output += text; printed += text; });
    started.stderr.setEncoding('utf8').on('data', (text: string) => { output += text; printed += text; });
    return waitForUrl(started, () => output);
  };
  const server: RestartableServer = {
    url: await run('0', {}),
    dataDir,
    output: () => printed,
    restart: async (env) => {
      await stop(child);
      await run(new URL(server.url).port, env);
    },
    close: async () => {
      await stop(child);
      rmSync(staticDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

function stop(child: ChildProcess | null): Promise<void> {
  if (child === null || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => { done(); });
    child.kill('SIGTERM');
  });
}
