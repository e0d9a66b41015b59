// Two server processes (server/main.ts, as `npm start` runs it) on one shared storage, and a client-core
// ApiClient whose requests go to either of them, chosen per request: a load balancer with no affinity.
// The storage is the run's engine (test-engine.ts): SQLite in DATA_DIR, or a PostgreSQL database of the
// test's own (`env` then carries DATABASE_URL), with the blobs in DATA_DIR either way.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiClient, type ApiClient } from '../../client/core/api.ts';
import { inject } from 'vitest';
import { auditStoredAfterSweep } from '../faults/disk-audit.ts';
import { createTestDatabase } from '../pg/test-database.ts';
import { startServer, stubStaticDir, type RunningServer } from '../faults/server-process.ts';
import { TEST_ENGINE } from './test-engine.ts';

/** Where every instance keeps its state. */
export interface SharedStorage {
  /** Blob folder (and, for SQLite, the database file). */
  dataDir: string;
  /** Extra environment of each instance, e.g. DATABASE_URL. */
  env: Record<string, string>;
  /**
   * Problems between the rows and the blob folder while no request runs (orphan or missing blobs), read
   * with no server code in between; empty when there are none.
   */
  audit: () => Promise<string[]>;
  /** Removes what the storage holds, once the instances are gone. */
  dispose: () => Promise<void>;
}

/** The storage of the run's engine. */
export function sharedStorage(): Promise<SharedStorage> {
  return TEST_ENGINE === 'postgres' ? pgStorage() : Promise.resolve(sqliteStorage());
}

/** A fresh DATA_DIR: SQLite (WAL) and the filesystem blob store, shared by the instances. */
export function sqliteStorage(): SharedStorage {
  const dataDir = mkdtempSync(join(tmpdir(), 'two-instances-'));
  return {
    dataDir,
    env: {},
    audit: () => auditStoredAfterSweep({ dataDir }),
    dispose: () => { rmSync(dataDir, { recursive: true, force: true }); return Promise.resolve(); },
  };
}

/** A fresh PostgreSQL database (the run's migrated template) and DATA_DIR for the blobs. */
export async function pgStorage(): Promise<SharedStorage> {
  const database = await createTestDatabase(inject('pgTemplate'));
  const dataDir = mkdtempSync(join(tmpdir(), 'two-instances-pg-'));
  return {
    dataDir,
    // One secret for both instances, as production would give them (required with DATABASE_URL).
    env: { DATABASE_URL: database.url, SERVER_SECRET: randomBytes(32).toString('base64url') },
    audit: () => auditStoredAfterSweep({ dataDir, databaseUrl: database.url }),
    dispose: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await database.drop();
    },
  };
}

export type InstanceName = 'A' | 'B';

export interface Instances {
  storage: SharedStorage;
  url: Record<InstanceName, string>;
  /** Stops both (SIGTERM) and removes their folders. */
  close: () => Promise<void>;
}

/** Starts A, then B, on the same storage; B's start-up sweep runs on what A has already set up. */
export async function startInstances(storage: SharedStorage): Promise<Instances> {
  const staticDir = stubStaticDir();
  const started: RunningServer[] = [];
  const close = async () => {
    await Promise.all(started.map((server) => server.stop()));
    rmSync(staticDir, { recursive: true, force: true });
    await storage.dispose();
  };
  try {
    for (let i = 0; i < 2; i += 1) started.push(await startServer(storage.dataDir, staticDir, storage.env));
  } catch (error) {
    await close();
    throw error;
  }
  const [a, b] = started as [RunningServer, RunningServer];
  return { storage, url: { A: a.url, B: b.url }, close };
}

export interface SentRequest {
  instance: InstanceName;
  method: string;
  /** Path without the query. */
  path: string;
}

/** Picks the instance of one request. */
export type Route = (method: string, path: string) => InstanceName;

export interface RoutedClient {
  /** What the client core calls; its token is one session whichever instance answers. */
  api: ApiClient;
  /** Every following request goes to `instance`. */
  use: (instance: InstanceName) => void;
  /** Every following request goes where `route` says (until the next use() or route()). */
  route: (route: Route) => void;
  /** Every request sent so far, with the instance that got it. */
  sent: SentRequest[];
}

/** A client-core ApiClient whose requests go to A or B as told; it starts on A. */
export function routedClient(instances: Instances): RoutedClient {
  let route: Route = () => 'A';
  const sent: SentRequest[] = [];
  const api = createApiClient(instances.url.A, {
    fetch: (url, init) => {
      const path = url.slice(api.baseUrl.length).split('?')[0] ?? '';
      const method = init.method ?? 'GET';
      const instance = route(method, path);
      sent.push({ instance, method, path });
      return fetch(`${instances.url[instance].replace(/\/+$/, '')}${url.slice(api.baseUrl.length)}`, init);
    },
  });
  return {
    api,
    use: (instance) => { route = () => instance; },
    route: (next) => { route = next; },
    sent,
  };
}
