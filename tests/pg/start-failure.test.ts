// `npm start` with a DATABASE_URL it cannot use stops at once with a message that says why, and never
// prints the URL's password.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';
import { ADMIN_URL } from './test-database.ts';

const PASSWORD = 'pw-never-printed-7f3a';

function start(databaseUrl: string): { status: number | null; output: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'start-failure-'));
  try {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, SERVER_SECRET: 'a'.repeat(43), DATA_DIR: dataDir, PORT: '0', STATIC_DIR: dataDir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('start-up on a database it cannot use', () => {
  it('PostgreSQL out of reach: exit 1, "out of reach" with the masked URL, no password', () => {
    const { status, output } = start(`postgres://vault:${PASSWORD}@127.0.0.1:1/vault`);
    expect(status).toBe(1);
    expect(output).toContain('PostgreSQL injoignable / out of reach (postgres://vault:***@127.0.0.1:1/vault)');
    expect(output).not.toContain(PASSWORD);
  });

  it('a database that does not exist: exit 1, PostgreSQL\'s own words, no password', () => {
    const url = Object.assign(new URL(ADMIN_URL), { pathname: '/vault_test_absent_start', password: PASSWORD }).href;
    const { status, output } = start(url);
    expect(status).toBe(1);
    expect(output).toContain('database "vault_test_absent_start" does not exist');
    expect(output).not.toContain(PASSWORD);
  });
});
