import { resolve } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname, 'client'),
  plugins: [preact()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    // The strict CSP forbids inline script: keep every module in its own file.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
