// The vault server under load, exactly as `npm start` runs it (server/main.ts in its own process, default
// policy), on a throwaway DATA_DIR with a stub web app. One entry per storage backend: a second one
// (PostgreSQL, through DATABASE_URL) is a new entry here and a new section in run.ts, nothing else.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stubStaticDir } from '../../faults/server-process.ts';
import { startChildServer, type ChildServer } from './child-process.ts';

export type Backend = 'sqlite';

export const BACKEND_LABEL: Record<Backend, string> = { sqlite: 'SQLite' };

export interface VaultServer extends ChildServer {
  dataDir: string;
  /** Stops the process and removes its folders. */
  close: () => Promise<void>;
}

const STARTED = /Coffre santé : (http:\/\/\S+)/;

/** Environment that selects the backend, besides DATA_DIR (which holds the blobs whatever the database). */
const BACKEND_ENV: Record<Backend, Record<string, string | undefined>> = {
  // DATA_DIR/vault.sqlite3: no DATABASE_URL, even if this shell has one.
  sqlite: { DATABASE_URL: undefined },
};

export async function startVaultServer(backend: Backend): Promise<VaultServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-load-data-'));
  const staticDir = stubStaticDir();
  const removeFolders = () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(staticDir, { recursive: true, force: true });
  };
  try {
    const server = await startChildServer('server/main.ts', { HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, STATIC_DIR: staticDir, ...BACKEND_ENV[backend] }, STARTED);
    return { ...server, dataDir, close: async () => { await server.stop(); removeFolders(); } };
  } catch (error) {
    removeFolders();
    throw error;
  }
}

export function startBareServer(): Promise<ChildServer> {
  return startChildServer('tests/bench/load/bare-server.ts', {}, /listening (http:\/\/\S+)/);
}
