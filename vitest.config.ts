import { defineConfig } from 'vitest/config';

/**
 * Test files that run a second time with their servers on PostgreSQL (VAULT_TEST_ENGINE=postgres; in
 * process: tests/integration/test-engine.ts; spawned: a database of their own passed as DATABASE_URL).
 */
// Not tests/adversarial: its subject is the client's checks against a lying server, whatever the server
// stores in; the routes it goes through are in tests/integration (it passed on PostgreSQL too: 12 files).
const ON_BOTH_ENGINES = [
  'tests/integration/**/*.test.ts',
  'tests/faults/sigkill.test.ts',
  'tests/fuzz/routes.test.ts',
  'tests/fuzz/dropped-body.test.ts',
];
/** Of those, the ones about SQLite itself (its file, its online backup), each saying so in its header. */
const SQLITE_ONLY = ['tests/integration/crash-consistency.test.ts', 'tests/integration/backup.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: Argon2id at 64 MiB and the vector files make parallel files compete for memory bandwidth.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['tests/**/*.test.ts'], exclude: ['tests/bench/**', 'node_modules/**'] },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ON_BOTH_ENGINES,
          exclude: SQLITE_ONLY,
          env: { VAULT_TEST_ENGINE: 'postgres' },
          globalSetup: ['tests/pg/template.ts'],
        },
      },
    ],
  },
});
