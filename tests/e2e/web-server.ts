// The production app (createApp with the built web app) on a real socket, on 127.0.0.1 and a free port,
// with the web app built by vite into a temporary folder (so dist/ of `npm start` is left alone). With
// `api`, the API is mounted on a throwaway DATA_DIR (database, WAL, blobs), opened as server/main.ts does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { build } from 'vite';
import { createApp, type AppOptions } from '../../server/app.ts';
import { openServerState, type ServerState } from '../../server/bootstrap.ts';
import { REPO_ROOT } from '../paths.ts';

export interface WebServer {
  url: string;
  /** The DATA_DIR when the API is mounted. */
  dataDir?: string;
  state?: ServerState;
  /** Everything the app reported through reportError (never request bodies). */
  reported: unknown[];
  close: () => Promise<void>;
}

export interface WebServerOptions {
  /** Mount the API on a fresh DATA_DIR. */
  api?: boolean;
  /** Extra createApp options (policy, clock...). */
  app?: Partial<AppOptions>;
}

export async function startWebServer(options: WebServerOptions = {}): Promise<WebServer> {
  const outDir = mkdtempSync(join(tmpdir(), 'e2e-dist-'));
  await build({ configFile: resolve(REPO_ROOT, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  const dataDir = options.api === true ? mkdtempSync(join(tmpdir(), 'e2e-data-')) : undefined;
  const state = dataDir === undefined ? undefined : await openServerState(dataDir);
  const reported: unknown[] = [];
  const storage = state === undefined ? {} : { storage: state.storage, blobs: state.blobs, serverSecret: state.serverSecret };
  const app = createApp({ staticDir: outDir, reportError: (error) => { reported.push(error); }, ...storage, ...options.app });
  const server = await new Promise<ReturnType<typeof serve>>((ready) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => { ready(started); });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    dataDir,
    state,
    reported,
    close: async () => {
      await new Promise<void>((done) => server.close(() => { done(); }));
      await state?.storage.close();
      rmSync(outDir, { recursive: true, force: true });
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
