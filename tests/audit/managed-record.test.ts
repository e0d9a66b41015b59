// vault-audit over a managed record built by the real client core: the record signs its vault manifest,
// the versions its manager adds and its history checkpoint with its own key (vaults.public_bundle), so the
// audit must check those against the record's bundle, not the creator's account; a pending contribution
// is outside the signed manifest. Clean storage: no error. A record bundle swapped for another: an error.
// SQLite only: the tampering is done straight in DATA_DIR/vault.sqlite3, as an operator on disk would.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, signUp, type UnlockedAccount } from '../../client/core/account.ts';
import { createApiClient, type ApiClient } from '../../client/core/api.ts';
import { downloadDocument } from '../../client/core/documents.ts';
import { accessHistory } from '../../client/core/history.ts';
import { actingAs, createRecord } from '../../client/core/managed-vaults.ts';
import { memoryPinStore } from '../../client/core/pins.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import { generateIdentity, signPublicBundle } from '../../crypto/identity.ts';
import { runAudit, type AuditReport } from '../../tools/audit/audit.ts';
import { call, ORIGIN, randomB64, startServer, type TestServer } from '../integration/harness.ts';
import { assertSqlite } from './fixture.ts';

let server: TestServer;
let account: UnlockedAccount;
let token = '';
let recordId = '';

function api(): ApiClient {
  return createApiClient(ORIGIN, { token, fetch: (url, init) => Promise.resolve(server.app.request(url, init)) });
}

const errorsOf = (report: AuditReport) => report.findings.filter((finding) => finding.severity === 'ERROR').map((finding) => `${finding.code} @ ${finding.where}`);

beforeAll(async () => {
  server = await startServer({}, undefined, Date.now());
  assertSqlite(server);
  const client = api();
  await signUp(client, 'maman@example.org', 'cheval correct agrafe batterie');
  account = await logIn(client, 'maman@example.org', 'cheval correct agrafe batterie');
  token = client.token ?? '';
  const { record, state } = await createRecord(api(), account, memoryPinStore(), 'Léa');
  recordId = record.vaultId;
  const acting = actingAs(account, record);
  const bytes = new TextEncoder().encode('BCG 2026-03-01');
  const stream = new ReadableStream<Uint8Array>({ start: (controller) => { controller.enqueue(bytes); controller.close(); } });
  const metadata = { title: 'Carnet', category: '11369-6', dateOfCare: '2026-03-01', author: 'Dr Exemple', fileName: 'carnet.txt', mimeType: 'text/plain' };
  const { documentId } = await uploadDocument(api(), acting, state, { stream, size: bytes.length, metadata });
  const download = await downloadDocument(api(), acting, state, documentId);
  await new Response(download.stream).arrayBuffer();
  await accessHistory(api(), acting, state);
  await server.state.storage.checkpoint();
}, 60_000);

afterAll(() => server.close());

describe('vault-audit and managed records', () => {
  it('a record signed by its own key, with a checkpoint: no error', async () => {
    const checkpoint = await call(server, 'GET', `/api/vaults/${recordId}/history/checkpoint`, { token });
    expect(((await checkpoint.json()) as { checkpoint: string | null }).checkpoint).not.toBeNull();
    const report = await runAudit({ dataDir: server.dataDir, canaries: ['Léa', 'BCG 2026-03-01'], logs: [] });
    expect(errorsOf(report)).toEqual([]);
    expect(report.canaries.hits).toBe(0);
  });

  it("ATK-05 a record's keys re-sealed for its manager by another key, and a name stored in clear, are errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffre-audit-record-'));
    try {
      cpSync(server.dataDir, dir, { recursive: true });
      const db = new Database(join(dir, 'vault.sqlite3'));
      try {
        const { envelope } = db.prepare('SELECT envelope FROM vault_managers WHERE vault_id = ?').get(recordId) as { envelope: Buffer };
        envelope.writeUInt8(envelope.readUInt8(envelope.length - 1) ^ 1, envelope.length - 1);
        db.prepare('UPDATE vault_managers SET envelope = ? WHERE vault_id = ?').run(envelope, recordId);
        db.prepare('UPDATE vaults SET label = ? WHERE id = ?').run(Buffer.from('Léa, née le 3 mars 2019'), recordId);
      } finally {
        db.close();
      }
      const report = await runAudit({ dataDir: dir, canaries: [], logs: [] });
      expect(errorsOf(report)).toEqual([
        `label-format @ vaults.label row id=${recordId}`,
        `manager-envelope-invalid @ vault_managers.envelope row vault_id=${recordId},account_id=maman@example.org`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a record bundle replaced by another identity's: the manifest no longer verifies", async () => {
    const db = new Database(`${server.dataDir}/vault.sqlite3`);
    try {
      const other = signPublicBundle(generateIdentity(), { accountId: recordId, role: 'vault', createdAt: Date.now() });
      db.prepare('UPDATE vaults SET public_bundle = ? WHERE id = ?').run(Buffer.from(other), recordId);
    } finally {
      db.close();
    }
    const report = await runAudit({ dataDir: server.dataDir, canaries: [randomB64(8)], logs: [] });
    expect(errorsOf(report)).toContain(`vault-manifest-invalid @ vaults.manifest row id=${recordId}`);
  });
});
