// A server in a Node process of its own (so the load generator never shares its event loop), started with
// tsx from the repository root; resolves once it prints the URL it serves. Its pid lets the bench read the
// CPU time it used (/proc), and stop() ends it with SIGTERM, as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../../paths.ts';

export interface ChildServer {
  url: string;
  pid: number;
  /** Everything it printed, stdout and stderr interleaved. */
  output: () => string;
  /** SIGTERM; resolves once the process is gone. */
  stop: () => Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/**
 * Runs `node --import tsx <script>` with `env` over this process's (an undefined value removes the
 * variable); `started` captures the URL from its stdout.
 */
export function startChildServer(script: string, env: Record<string, string | undefined>, started: RegExp): Promise<ChildServer> {
  const merged = Object.entries({ ...process.env, ...env }).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: Object.fromEntries(merged),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => { output += text; });
  child.stderr.setEncoding('utf8').on('data', (text: string) => { output += text; });
  const stop = () => stopChild(child);
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      void stop().then(() => { reject(new Error(`${script} ${why}: ${output}`)); });
    };
    const timer = setTimeout(() => { fail('did not start'); }, START_TIMEOUT_MS);
    const onData = () => {
      const url = started.exec(output)?.[1];
      if (url === undefined || child.pid === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      resolve({ url: url.replace(/\/+$/, ''), pid: child.pid, output: () => output, stop });
    };
    const onExit = (code: number | null) => { fail(`exited (${String(code)})`); };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => { done(); });
    child.kill('SIGTERM');
  });
}
