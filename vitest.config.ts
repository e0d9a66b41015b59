import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: Argon2id at 64 MiB and the vector files make parallel files compete for memory bandwidth.
    maxWorkers: 2,
  },
});
