// Bundles the bench page and its Worker with vite's JS API into a temporary folder (production build:
// minified, the same bundler as the real client).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const PAGE_ROOT = dirname(fileURLToPath(import.meta.url));

/** Returns the folder holding index.html and the assets; the caller removes it. */
export async function buildBenchPage(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-page-'));
  await build({
    configFile: false,
    root: PAGE_ROOT,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 4096 },
    worker: { format: 'es' },
  });
  return outDir;
}
