// Opens everything a server needs and repairs it after a crash, before the first request: the database
// (SQLite in DATA_DIR, or PostgreSQL at DATABASE_URL; migrated), the filesystem blob store in DATA_DIR, the server secret, and the blob sweep
// (storage/recovery.ts), and access events of an older version linked into the history chain. Used by
// server/main.ts and by the tests.
import { DEFAULT_POLICY } from './services/deps.ts';
import { openStorage, type Storage } from './storage/database.ts';
import { FsBlobStore } from './storage/fs-blob-store.ts';
import { linkUnchainedEvents } from './storage/history-backfill.ts';
import { sweepBlobs, type SweepReport } from './storage/recovery.ts';
import { loadServerSecret } from './storage/server-secret.ts';

export interface ServerState {
  storage: Storage;
  blobs: FsBlobStore;
  serverSecret: Uint8Array;
  sweep: SweepReport;
}

export interface OpenOptions {
  /** PostgreSQL instead of DATA_DIR/vault.sqlite3. */
  databaseUrl?: string;
  /** SERVER_SECRET from the environment (base64url). */
  serverSecret?: string;
  /** The sweep's idea of now (tests pass their fake clock). */
  now?: number;
  sessionIdleMs?: number;
}

export async function openServerState(dataDir: string, options: OpenOptions = {}): Promise<ServerState> {
  const storage = await openStorage({ dataDir, databaseUrl: options.databaseUrl });
  try {
    await linkUnchainedEvents(storage);
    const blobs = new FsBlobStore(dataDir);
    const serverSecret = loadServerSecret(dataDir, options.serverSecret);
    const sweep = await sweepBlobs(storage, blobs, options.now ?? Date.now(), options.sessionIdleMs ?? DEFAULT_POLICY.sessionIdleMs);
    return { storage, blobs, serverSecret, sweep };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
