// The server exactly as `npm start` runs it (server/main.ts in its own Node process), on a free port and a
// throwaway DATA_DIR, serving a web app built into a temporary folder (STATIC_DIR). Everything the process
// prints, on stdout and stderr, is kept: the canary tests scan it (ATK-34).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { REPO_ROOT } from '../paths.ts';

export interface ServerProcess {
  url: string;
  dataDir: string;
  /** All the process printed so far, stdout and stderr interleaved. */
  output: () => string;
  /** Stops it with SIGTERM (as an operator would) and removes its folders. */
  close: () => Promise<void>;
}

const STARTED = /Coffre santé : (http:\/\/\S+)/;
const START_TIMEOUT_MS = 60_000;

export async function startServerProcess(): Promise<ServerProcess> {
  const staticDir = mkdtempSync(join(tmpdir(), 'e2e-dist-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-data-'));
  await build({ configFile: resolve(REPO_ROOT, 'vite.config.ts'), logLevel: 'silent', build: { outDir: staticDir, emptyOutDir: true } });
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, STATIC_DIR: staticDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => { output += text; });
  child.stderr.setEncoding('utf8').on('data', (text: string) => { output += text; });
  const removeFolders = () => {
    rmSync(staticDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await waitForUrl(child, () => output);
    return {
      url,
      dataDir,
      output: () => output,
      close: async () => {
        await stop(child);
        removeFolders();
      },
    };
  } catch (error) {
    await stop(child);
    removeFolders();
    throw error;
  }
}

/**
 * Resolves with the URL the server prints once it serves; rejects if it exits first or after `timeoutMs`.
 * `go` runs once the listeners are in place (a standby process told to start).
 */
export function waitForUrl(child: ChildProcess, output: () => string, timeoutMs = START_TIMEOUT_MS, go?: () => void): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => { finish(new Error(`server did not start: ${output()}`)); }, timeoutMs);
    const onData = () => {
      const url = STARTED.exec(output())?.[1];
      if (url !== undefined) finish(null, url);
    };
    const onExit = (code: number | null) => { finish(new Error(`server exited (${String(code)}): ${output()}`)); };
    function finish(error: Error | null, url?: string): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error === null && url !== undefined) resolveUrl(url);
      else reject(error ?? new Error('server did not start'));
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    go?.();
    onData();
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => { done(); });
    child.kill('SIGTERM');
  });
}
