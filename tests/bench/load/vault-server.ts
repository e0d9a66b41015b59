// The vault server under load, exactly as `npm start` runs it (server/main.ts in its own process, default
// policy), on a throwaway DATA_DIR with a stub web app, on SQLite in DATA_DIR or on a throwaway database
// of the machine's PostgreSQL (TEST_PG_URL, as tests/pg), through DATABASE_URL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stubStaticDir } from '../../faults/server-process.ts';
import { createTestDatabase } from '../../pg/test-database.ts';
import { startChildServer, type ChildServer } from './child-process.ts';

export type Backend = 'sqlite' | 'postgres';

export const BACKEND_LABEL: Record<Backend, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export interface VaultServer extends ChildServer {
  dataDir: string;
  /** PostgreSQL's, when the backend is. */
  databaseUrl?: string;
  /** Stops the process and removes its folders. */
  close: () => Promise<void>;
}

const STARTED = /Coffre santé : (http:\/\/\S+)/;

export async function startVaultServer(backend: Backend): Promise<VaultServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-load-data-'));
  const staticDir = stubStaticDir();
  const database = backend === 'postgres' ? await createTestDatabase() : undefined;
  const remove = async () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(staticDir, { recursive: true, force: true });
    await database?.drop();
  };
  try {
    // On SQLite, no DATABASE_URL even if this shell has one.
    const secret = database === undefined ? undefined : randomBytes(32).toString('base64url');
    const env = { HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, STATIC_DIR: staticDir, DATABASE_URL: database?.url, SERVER_SECRET: secret };
    const server = await startChildServer('server/main.ts', env, STARTED);
    return { ...server, dataDir, databaseUrl: database?.url, close: async () => { await server.stop(); await remove(); } };
  } catch (error) {
    await remove();
    throw error;
  }
}

export function startBareServer(): Promise<ChildServer> {
  return startChildServer('tests/bench/load/bare-server.ts', {}, /listening (http:\/\/\S+)/);
}
