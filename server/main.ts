// `npm start`: validate the configuration, build the web app if it is not built yet, serve both, and
// print the URL. Logs never carry request bodies, keys or user data: only the error's class name.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { maskDatabaseUrl, redactSecrets } from '../shared/database-url.ts';
import { createApp } from './app.ts';
import { openServerState } from './bootstrap.ts';
import { parseEnv } from './env.ts';
import { DEFAULT_POLICY } from './services/deps.ts';
import { purgeExpired } from './storage/recovery.ts';
import { storageFaultOf } from './storage/storage-fault.ts';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');

/** Builds into staticDir when it has no index.html; a folder given by STATIC_DIR is never emptied first. */
async function buildClientIfMissing(staticDir: string, ownFolder: boolean): Promise<void> {
  if (existsSync(resolve(staticDir, 'index.html'))) return;
  console.log('Construction de l’application web… / Building the web app…');
  const { build } = await import('vite');
  await build({ configFile: resolve(repoRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir: staticDir, emptyOutDir: ownFolder } });
}

const PURGE_INTERVAL_MS = 3_600_000;

function clockWithOffset(offsetMs: number): () => number {
  return offsetMs === 0 ? Date.now : () => Date.now() + offsetMs;
}

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const state = await openServerState(env.DATA_DIR, { serverSecret: env.SERVER_SECRET, databaseUrl: env.DATABASE_URL });
  const staticDir = resolve(env.STATIC_DIR ?? resolve(repoRoot, 'dist'));
  await buildClientIfMissing(staticDir, env.STATIC_DIR === undefined);
  const app = createApp({
    staticDir,
    storage: state.storage,
    blobs: state.blobs,
    serverSecret: state.serverSecret,
    publicOrigin: env.PUBLIC_ORIGIN,
    clock: clockWithOffset(env.CLOCK_OFFSET_MS ?? 0),
    hsts: env.PUBLIC_ORIGIN?.startsWith('https://') === true,
    reportError: (error) => {
      console.error(`unexpected error: ${error instanceof Error ? error.name : typeof error}`);
    },
  });
  const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, (info) => {
    console.log(`Coffre santé : http://${env.HOST}:${info.port}/`);
    if (env.DATABASE_URL !== undefined) console.log(`Base de données : ${maskDatabaseUrl(env.DATABASE_URL)}`);
  });
  const purge = setInterval(() => {
    purgeExpired(state.storage, state.blobs, Date.now(), DEFAULT_POLICY.sessionIdleMs).catch(() => {
      console.error('purge of expired uploads and sessions failed');
    });
  }, PURGE_INTERVAL_MS);
  purge.unref();
  const stop = () => {
    clearInterval(purge);
    server.close(() => {
      void state.storage.close().finally(() => process.exit(0));
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** What stopped the start, in words: the innermost cause (drizzle's wrapper only quotes its SQL). */
function startFailure(error: unknown): string {
  let innermost = error;
  while (innermost instanceof Error && innermost.cause instanceof Error) innermost = innermost.cause;
  const detail = innermost instanceof Error ? innermost.message : 'start-up failed';
  const url = process.env.DATABASE_URL;
  if (url === undefined) return detail;
  // A connection error may quote DATABASE_URL; its password never reaches the console.
  const unreachable = storageFaultOf(error) === 'unavailable';
  const prefix = unreachable ? `PostgreSQL injoignable / out of reach (${maskDatabaseUrl(url)}): ` : '';
  return prefix + redactSecrets(detail, url);
}

main().catch((error: unknown) => {
  console.error(startFailure(error));
  process.exit(1);
});
