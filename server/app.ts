// createApp(): the one Hono application, used by production (server/main.ts) and by the tests through
// app.request(), so both exercise the same middleware and error mapping. Its dependencies (storage, blob
// store, server secret, clock, policy) are injected; without storage only the health route is served.
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { API_ERROR_STATUS, type ApiErrorBody, type ApiErrorCode } from '../shared/errors.ts';
import { ApiError } from './http-error.ts';
import type { AppEnv } from './http/env.ts';
import { originCheck } from './http/origin-check.ts';
import { requireSession } from './http/session-auth.ts';
import { accountRoutes } from './routes/accounts.ts';
import { contributionRoutes } from './routes/contributions.ts';
import { documentRoutes } from './routes/documents.ts';
import { grantRoutes } from './routes/grants.ts';
import { healthRoutes } from './routes/health.ts';
import { inviteRoutes } from './routes/invites.ts';
import { managedVaultRoutes } from './routes/managed-vaults.ts';
import { practitionerRoutes } from './routes/practitioners.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { shareRoutes } from './routes/shares.ts';
import { uploadRoutes } from './routes/uploads.ts';
import { vaultSettingsRoutes } from './routes/vault-settings.ts';
import { vaultRoutes } from './routes/vaults.ts';
import { securityHeaders } from './security-headers.ts';
import { DEFAULT_POLICY, type Deps, type Policy } from './services/deps.ts';
import type { BlobStore } from './storage/blob-store.ts';
import type { Storage } from './storage/database.ts';
import { FsBlobStore } from './storage/fs-blob-store.ts';
import { isUniqueViolation, storageFaultOf } from './storage/storage-fault.ts';
import { loadServerSecret } from './storage/server-secret.ts';

export interface AppOptions {
  /** Folder of the built web app; omitted in API-only tests. */
  staticDir?: string;
  /** Where unexpected errors are reported (never with request bodies). */
  reportError?: (error: unknown) => void;
  /** The database; without it only /api/health answers. */
  storage?: Storage;
  /** Defaults to the filesystem store in storage.dataDir. */
  blobs?: BlobStore;
  /** Defaults to DATA_DIR/server-secret (created once). */
  serverSecret?: Uint8Array;
  clock?: () => number;
  policy?: Partial<Policy>;
  /** The origin browsers must send on state-changing requests (ATK-31); defaults to the request's own. */
  publicOrigin?: string;
  /** Send HSTS (the server is reached over HTTPS, e.g. behind a TLS proxy). */
  hsts?: boolean;
  /** The client's address, for login throttling; defaults to the socket's remote address. */
  clientAddress?: (c: Context<AppEnv>) => string;
}

export function createApp(options: AppOptions = {}) {
  const app = new Hono<AppEnv>();
  app.use(securityHeaders({ hsts: options.hsts === true }));
  app.route('/api/health', healthRoutes);
  if (options.storage !== undefined) mountApi(app, options.storage, options);
  app.all('/api/*', () => {
    throw new ApiError('NOT_FOUND');
  });
  if (options.staticDir !== undefined) {
    const root = options.staticDir;
    app.use('/*', serveStatic({ root }));
    app.get('/*', serveStatic({ root, path: 'index.html' }));
  }
  app.notFound((c) => c.json(errorBody('NOT_FOUND'), 404));
  app.onError((error, c) => {
    const code = toApiCode(error);
    // A full or failing disk is reported too: the operator has to act on it.
    if (code === 'INTERNAL' || code === 'INSUFFICIENT_STORAGE' || code === 'STORAGE_UNAVAILABLE') options.reportError?.(error);
    return c.json(errorBody(code), API_ERROR_STATUS[code]);
  });
  return app;
}

function mountApi(app: Hono<AppEnv>, storage: Storage, options: AppOptions): void {
  const deps: Deps = {
    storage,
    blobs: options.blobs ?? new FsBlobStore(storage.dataDir),
    serverSecret: options.serverSecret ?? loadServerSecret(storage.dataDir),
    clock: options.clock ?? Date.now,
    policy: { ...DEFAULT_POLICY, ...options.policy },
  };
  const clientAddress = options.clientAddress ?? socketAddress;
  app.use('/api/*', async (c, next) => {
    c.set('deps', deps);
    c.set('address', clientAddress(c as Context<AppEnv>));
    c.header('cache-control', 'no-store');
    await next();
  });
  app.use('/api/*', originCheck(options.publicOrigin));
  app.route('/api/accounts', accountRoutes);
  app.route('/api/sessions', sessionRoutes);
  app.use('/api/vaults', requireSession);
  app.use('/api/vaults/*', requireSession);
  app.route('/api/vaults', vaultRoutes);
  app.route('/api/vaults', uploadRoutes);
  app.route('/api/vaults', documentRoutes);
  app.route('/api/vaults', grantRoutes);
  app.route('/api/vaults', contributionRoutes);
  app.route('/api/vaults', vaultSettingsRoutes);
  app.route('/api/vaults', managedVaultRoutes);
  app.use('/api/invites/*', requireSession);
  app.route('/api/invites', inviteRoutes);
  app.use('/api/practitioners', requireSession);
  app.use('/api/practitioners/*', requireSession);
  app.route('/api/practitioners', practitionerRoutes);
  app.use('/api/shares', requireSession);
  app.route('/api/shares', shareRoutes);
}

function socketAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function toApiCode(error: unknown): ApiErrorCode {
  if (error instanceof ApiError) return error.code;
  const fault = storageFaultOf(error);
  if (fault !== null) return fault === 'full' ? 'INSUFFICIENT_STORAGE' : 'STORAGE_UNAVAILABLE';
  if (isUniqueViolation(error)) return 'CONFLICT';
  if (error instanceof HTTPException) {
    if (error.status === 413) return 'PAYLOAD_TOO_LARGE';
    if (error.status === 405) return 'METHOD_NOT_ALLOWED';
    if (error.status === 404) return 'NOT_FOUND';
    if (error.status >= 400 && error.status < 500) return 'BAD_REQUEST';
  }
  return 'INTERNAL';
}

function errorBody(code: ApiErrorCode): ApiErrorBody {
  return { error: { code } };
}
