// Test harness: a real app (createApp) on a throwaway DATA_DIR (and, in the "postgres" project, a throwaway
// PostgreSQL database: test-engine.ts), a settable clock, and small helpers to call it through app.request
// with a bearer token or a cookie. No socket.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTableName } from 'drizzle-orm';
import { createApp, type AppOptions } from '../../server/app.ts';
import { openServerState, type ServerState } from '../../server/bootstrap.ts';
import { toBase64url } from '../../shared/binary.ts';
import type { SignUpRequest } from '../../shared/accounts.ts';
import { loginResponseSchema } from '../../shared/sessions.ts';
import { listVaultsResponseSchema } from '../../shared/vaults.ts';
import { databaseUrlFor, dropDatabaseOf } from './test-engine.ts';

export const ORIGIN = 'http://localhost';
export const START = Date.UTC(2026, 10, 28, 12);

export interface TestServer {
  app: ReturnType<typeof createApp>;
  state: ServerState;
  dataDir: string;
  clock: { now: number };
  /** Closes the database; removes DATA_DIR (and drops a PostgreSQL database) unless keepData. */
  close(keepData?: boolean): Promise<void>;
}

/**
 * A fresh app; on an existing dataDir it is a restart, whose start-up sweep runs at `now`. The database is
 * the run's engine (test-engine.ts) unless `databaseUrl` names one.
 */
export async function startServer(options: Partial<AppOptions> = {}, dataDir = mkdtempSync(join(tmpdir(), 'coffre-it-')), now = START, databaseUrl?: string): Promise<TestServer> {
  const clock = { now };
  const state = await openServerState(dataDir, { now: clock.now, databaseUrl: databaseUrl ?? await databaseUrlFor(dataDir) });
  const app = createApp({
    storage: state.storage,
    blobs: state.blobs,
    serverSecret: state.serverSecret,
    clock: () => clock.now,
    clientAddress: (c) => c.req.header('x-test-address') ?? '192.0.2.1',
    ...options,
  });
  return {
    app, state, dataDir, clock,
    close: async (keepData = false) => {
      await state.storage.close();
      if (keepData) return;
      rmSync(dataDir, { recursive: true, force: true });
      await dropDatabaseOf(dataDir);
    },
  };
}

export function b64(bytes: Uint8Array): string {
  return toBase64url(bytes);
}

export function randomB64(length: number): string {
  return b64(new Uint8Array(randomBytes(length)));
}

export function kdfParams() {
  return { algorithm: 'argon2id13' as const, memoryKiB: 65_536, iterations: 3, parallelism: 1, salt: randomB64(16) };
}

export interface TestAccount extends SignUpRequest {
  token: string;
  vaultId: string;
}

export function signUpBody(accountId: string): SignUpRequest {
  return {
    accountId,
    authKey: randomB64(32),
    kdf: kdfParams(),
    publicBundle: randomB64(1300),
    wrappedPrivateBundle: randomB64(200),
    recoveryWrappedPrivateBundle: randomB64(200),
    recoveryAuthKey: randomB64(32),
  };
}

export interface CallOptions {
  token?: string;
  cookie?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
}

/** One request through app.request; JSON bodies get their content type. */
export function call(server: TestServer, method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie !== undefined) headers.cookie = `__Host-session=${options.cookie}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  return Promise.resolve(server.app.request(`${ORIGIN}${path}`, { method, headers, body }));
}

export async function login(server: TestServer, accountId: string, authKey: string): Promise<string> {
  const response = await call(server, 'POST', '/api/sessions', { json: { accountId, authKey, tokenDelivery: 'bearer' } });
  if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
  const token = loginResponseSchema.parse(await response.json()).session.token;
  if (token === undefined) throw new Error('no token');
  return token;
}

/** Signs up, logs in with a bearer token, and finds the account's vault. */
export async function newAccount(server: TestServer, accountId: string): Promise<TestAccount> {
  const body = signUpBody(accountId);
  const response = await call(server, 'POST', '/api/accounts', { json: body });
  if (response.status !== 202) throw new Error(`sign-up failed: ${response.status}`);
  const token = await login(server, accountId, body.authKey);
  const vaults = listVaultsResponseSchema.parse(await (await call(server, 'GET', '/api/vaults', { token })).json());
  const vaultId = vaults.vaults[0]?.vaultId;
  if (vaultId === undefined) throw new Error('no vault');
  return { ...body, token, vaultId };
}

export async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error?: { code?: string } };
  return body.error?.code ?? '(none)';
}

/** Every row of every table, and every blob file: compared before and after a refused request. */
export async function snapshotState(server: TestServer): Promise<string> {
  const { read, tables } = server.state.storage;
  const rows = [];
  for (const table of Object.values(tables).sort((a, b) => getTableName(a).localeCompare(getTableName(b)))) {
    const name = getTableName(table);
    // Sorted by content: neither engine promises an order without ORDER BY.
    const content = (await read.select().from(table as typeof tables.accounts)).map((row) => JSON.stringify(row)).sort();
    rows.push([name, content]);
  }
  const blobs = join(server.dataDir, 'blobs');
  const files = [...readdirSync(blobs), ...readdirSync(join(blobs, 'tmp')).map((name) => `tmp/${name}`)].sort();
  return JSON.stringify({ rows, files });
}

export interface UploadSpec {
  documentId?: string;
  version?: number;
  payload: Uint8Array;
  chunkBytes?: number;
  /** Defaults to the vault's current sequence + 1. */
  sequence?: number;
}

export async function currentSequence(server: TestServer, account: TestAccount): Promise<number> {
  const response = await call(server, 'GET', `/api/vaults/${account.vaultId}/manifest`, { token: account.token });
  return ((await response.json()) as { sequence: number }).sequence;
}

export async function beginUpload(server: TestServer, account: TestAccount, size: number): Promise<string> {
  const response = await call(server, 'POST', `/api/vaults/${account.vaultId}/uploads`, { token: account.token, json: { size } });
  if (response.status !== 201) throw new Error(`upload create failed: ${response.status}`);
  return ((await response.json()) as { uploadId: string }).uploadId;
}

export function putChunk(server: TestServer, account: TestAccount, uploadId: string, payload: Uint8Array, start: number, end: number): Promise<Response> {
  return call(server, 'PUT', `/api/vaults/${account.vaultId}/uploads/${uploadId}`, {
    token: account.token,
    body: payload.slice(start, end + 1),
    headers: { 'content-type': 'application/octet-stream', 'content-range': `bytes ${start}-${end}/${payload.length}` },
  });
}

export function commitBody(documentId: string, version: number, sequence: number) {
  return {
    documentId,
    version,
    metadata: randomB64(512),
    manifest: randomB64(300),
    envelopes: [randomB64(1200)],
    vaultManifest: { sequence, manifest: randomB64(400) },
  };
}

/** Uploads a whole version (in chunks) and commits it; returns the document id. */
export async function uploadDocument(server: TestServer, account: TestAccount, spec: UploadSpec): Promise<string> {
  const documentId = spec.documentId ?? randomB64(16);
  const uploadId = await beginUpload(server, account, spec.payload.length);
  const step = spec.chunkBytes ?? Math.max(1, spec.payload.length);
  for (let start = 0; start < spec.payload.length; start += step) {
    const end = Math.min(spec.payload.length, start + step) - 1;
    const response = await putChunk(server, account, uploadId, spec.payload, start, end);
    if (response.status !== 200) throw new Error(`chunk failed: ${response.status}`);
  }
  const sequence = spec.sequence ?? (await currentSequence(server, account)) + 1;
  const response = await call(server, 'POST', `/api/vaults/${account.vaultId}/uploads/${uploadId}/commit`, {
    token: account.token,
    json: commitBody(documentId, spec.version ?? 1, sequence),
  });
  if (response.status !== 201) throw new Error(`commit failed: ${response.status} ${await errorCode(response)}`);
  return documentId;
}
