// The command-line client keeps the vault-settings sequence it accepted in its session file, like its vault
// and history heads: a later command refuses settings the server rolls back to an older sequence (ATK-17
// style: an older "hidden from practitioners" list would re-share what was hidden), or forgets altogether.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../client/cli/config.ts';
import { unlock, type CliContext } from '../../client/cli/session.ts';
import { fetchVaultSettings, updateVaultSettings } from '../../client/core/vault-settings.ts';
import { rejectionCode } from '../error-code.ts';
import { ORIGIN, startServer, type TestServer } from './harness.ts';
import { peopleOf, type Person } from './people.ts';

let server: TestServer;
let patient: Person;
let dir: string;
const people = peopleOf(() => server);
/** The settings the server answers with, when a test replays an older body. */
let replay: string | null = null;

beforeAll(async () => {
  server = await startServer({}, undefined, Date.now());
  patient = await people.person('patiente@example.org');
  dir = mkdtempSync(join(tmpdir(), 'coffre-cli-settings-'));
}, 30_000);

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function context(): CliContext {
  const store = new ConfigStore(dir);
  return {
    server: ORIGIN, store, env: { VAULT_PASSWORD: 'cheval correct agrafe batterie' }, out: () => undefined,
    fetch: async (url, init) => {
      const answer = await server.app.request(url, init);
      const isSettings = (init.method ?? 'GET') === 'GET' && new URL(url).pathname.endsWith('/settings');
      return isSettings && replay !== null ? new Response(replay, { status: 200, headers: { 'content-type': 'application/json' } }) : answer;
    },
  };
}

describe('the command-line client and vault settings', () => {
  it('ATK-17 keeps the settings sequence across commands and refuses an older one or none, served later', async () => {
    const store = new ConfigStore(dir);
    store.set(ORIGIN, { accountId: patient.account.accountId, token: patient.token, heads: {} });
    const first = await unlock(context());
    await updateVaultSettings(first.api, first.account, first.state, (lists) => ({ ...lists, hiddenFromPractitioners: [] , blockedAccounts: ['quelquun@example.org'] }));
    const older = await (await server.app.request(`${ORIGIN}/api/vaults/${first.account.vaultId}/settings`, { headers: { authorization: `Bearer ${first.api.token ?? ''}` } })).text();
    await updateVaultSettings(first.api, first.account, first.state, (lists) => ({ ...lists, blockedAccounts: [] }));
    expect(first.state.settingsSequence).toBe(2);
    first.save();

    const second = await unlock(context());
    expect(second.state.settingsSequence).toBe(2);
    replay = older;
    expect(await rejectionCode(fetchVaultSettings(second.api, second.account, second.state))).toBe('ROLLBACK');
    replay = JSON.stringify({ sequence: 0, settings: null });
    expect(await rejectionCode(fetchVaultSettings(second.api, second.account, second.state))).toBe('ROLLBACK');
    replay = null;
    expect((await fetchVaultSettings(second.api, second.account, second.state)).sequence).toBe(2);
  }, 60_000);
});
