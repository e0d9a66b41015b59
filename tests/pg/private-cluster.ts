// A PostgreSQL server of the test's own (initdb in a temporary folder, its own port), for tests that stop
// and restart the database: the machine's shared server must keep serving the other test files meanwhile.
// Runs as the `postgres` system user (PostgreSQL refuses root), from the machine's installed binaries.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication, loopback only). */
  readonly url: string;
  /** `pg_ctl stop -m fast`: open connections are ended, new ones refused until start(). */
  stop(): void;
  start(): void;
  /** Stops it if it runs and removes its folder. */
  remove(): void;
}

function binaries(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (versions[0] === undefined) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql');
  return join('/usr/lib/postgresql', versions[0], 'bin');
}

/** A port the kernel just gave out, free a moment later in all likelihood. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0); });
    });
  });
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const bin = binaries();
  const root = mkdtempSync(join(tmpdir(), 'pg-private-'));
  const owner = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(root, owner, owner);
  const data = join(root, 'data');
  const asPostgres = (tool: string, args: string[]) => {
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { stdio: 'ignore' });
  };
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '--locale=C.UTF-8']);
  const port = await freePort();
  const options = `-p ${String(port)} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`;
  let running = false;
  const cluster: PrivateCluster = {
    url: `postgres://postgres@127.0.0.1:${String(port)}/postgres`,
    start: () => {
      asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', join(root, 'log'), '-w', 'start']);
      running = true;
    },
    stop: () => {
      asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    remove: () => {
      try {
        if (running) cluster.stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
  try {
    cluster.start();
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  // Should the test end without its afterAll (a hook timed out, the worker stopped), the server still goes.
  process.once('exit', () => {
    try {
      cluster.remove();
    } catch {
      // Nothing more can be done while the process exits.
    }
  });
  return cluster;
}
