// `npm start`: validate the configuration, build the web app if it is not built yet, serve both, and
// print the URL. Logs never carry request bodies, keys or user data: only the error's class name.
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { parseEnv } from './env.ts';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
const staticDir = resolve(repoRoot, 'dist');

async function buildClientIfMissing(): Promise<void> {
  if (existsSync(resolve(staticDir, 'index.html'))) return;
  console.log('Construction de l’application web… / Building the web app…');
  const { build } = await import('vite');
  await build({ configFile: resolve(repoRoot, 'vite.config.ts'), logLevel: 'warn' });
}

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  mkdirSync(env.DATA_DIR, { recursive: true });
  await buildClientIfMissing();
  const app = createApp({
    staticDir,
    reportError: (error) => {
      console.error(`unexpected error: ${error instanceof Error ? error.name : typeof error}`);
    },
  });
  serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, (info) => {
    console.log(`Coffre santé : http://${env.HOST}:${info.port}/`);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : 'start-up failed');
  process.exit(1);
});
