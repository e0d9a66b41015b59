import { resolve } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname, 'client'),
  plugins: [preact()],
  // The crypto Worker is a module Worker; ES output lets it load libsodium's chunk with a dynamic import.
  worker: { format: 'es' },
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    // The strict CSP forbids inline script: keep every module in its own file.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
