// The production app (createApp with the built web app) on a real socket, on 127.0.0.1 and a free port,
// with the web app built by vite into a temporary folder (so dist/ of `npm start` is left alone).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { build } from 'vite';
import { createApp } from '../../server/app.ts';
import { REPO_ROOT } from '../paths.ts';

export interface WebServer {
  url: string;
  close: () => Promise<void>;
}

export async function startWebServer(): Promise<WebServer> {
  const outDir = mkdtempSync(join(tmpdir(), 'e2e-dist-'));
  await build({ configFile: resolve(REPO_ROOT, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  const app = createApp({ staticDir: outDir });
  const server = await new Promise<ReturnType<typeof serve>>((ready) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => { ready(started); });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      await new Promise<void>((done) => server.close(() => { done(); }));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
