// vault-audit over a shared vault built by the real client core: a patient shares a category with a
// practitioner, who reads it. Clean storage: no error, no canary. Then each share-level tampering an
// operator could do on disk (issue 5, ATK-20 and ATK-21 as the storage shows them) is an error the
// audit names: a grant for someone the owner never listed, a grant list whose bytes were changed, a wrap
// the signed list does not name, and a grant-key envelope re-signed by another key.
// SQLite only: the tampering is done straight in DATA_DIR/vault.sqlite3, as an operator on disk would.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, signUp, type AccountRole, type UnlockedAccount } from '../../client/core/account.ts';
import { createApiClient, type ApiClient } from '../../client/core/api.ts';
import { openVault } from '../../client/core/opened-vault.ts';
import { memoryPinStore } from '../../client/core/pins.ts';
import { fetchPractitioner, publishPractitionerProfile } from '../../client/core/practitioners.ts';
import { listSharedWithMe, newSharedState, openSharedPayload } from '../../client/core/shared-with-me.ts';
import { shareWith } from '../../client/core/sharing.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { runAudit, type AuditReport } from '../../tools/audit/audit.ts';
import { ORIGIN, startServer, type TestServer } from '../integration/harness.ts';
import { assertSqlite } from './fixture.ts';

const PASSWORD = 'cheval correct agrafe batterie';
const CANARIES = { content: 'CANARY-SHARED-CONTENT-0b7e31', title: 'CANARY-SHARED-TITLE-51c2aa', fileName: 'CANARY-SHARED-FILE-9d04.txt' };
const BIOLOGY = '11502-2';

let server: TestServer;
let grantId = '';
let vaultId = '';
const tokens = new Map<string, string>();

function api(accountId?: string): ApiClient {
  return createApiClient(ORIGIN, { token: accountId === undefined ? undefined : tokens.get(accountId), fetch: (url, init) => Promise.resolve(server.app.request(url, init)) });
}

async function person(accountId: string, role: AccountRole): Promise<UnlockedAccount> {
  const client = api();
  await signUp(client, accountId, PASSWORD, 'fr', role);
  const account = await logIn(client, accountId, PASSWORD);
  tokens.set(accountId, client.token ?? '');
  return account;
}

const errorsOf = (report: AuditReport) => report.findings.filter((finding) => finding.severity === 'ERROR').map((finding) => `${finding.code} @ ${finding.where}`);

/** A copy of the clean DATA_DIR with one change made straight in its database. */
async function auditTampered(change: (db: Database.Database) => void): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'coffre-audit-shares-'));
  try {
    cpSync(server.dataDir, dir, { recursive: true });
    const db = new Database(join(dir, 'vault.sqlite3'));
    try {
      change(db);
    } finally {
      db.close();
    }
    return errorsOf(await runAudit({ dataDir: dir, canaries: [], logs: [] }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  server = await startServer({}, undefined, Date.now());
  assertSqlite(server);
  const patient = await person('patiente@example.org', 'patient');
  const doctor = await person('docteur@example.org', 'practitioner');
  await person('autre@example.org', 'patient');
  vaultId = patient.vaultId;
  await publishPractitionerProfile(api(doctor.accountId), {
    name: 'Dr Jean Petit', profession: 'medecin-generaliste', specialty: '', rpps: '10000000009', place: 'Cabinet du Parc', city: 'Nantes',
  });
  const state: VaultState = {};
  const bytes = new TextEncoder().encode(CANARIES.content);
  const stream = new ReadableStream<Uint8Array>({ start: (controller) => { controller.enqueue(bytes); controller.close(); } });
  const metadata = { title: CANARIES.title, category: BIOLOGY, dateOfCare: '2026-02-14', author: 'Dr Exemple', fileName: CANARIES.fileName, mimeType: 'text/plain' };
  const { documentId } = await uploadDocument(api(patient.accountId), patient, state, { stream, size: bytes.length, metadata });
  const vault = await openVault(api(patient.accountId), patient, state);
  const { bundle } = await fetchPractitioner(api(patient.accountId), doctor.accountId);
  ({ grantId } = await shareWith(api(patient.accountId), patient, state, memoryPinStore(), vault, { recipient: bundle, scope: { kind: 'categories', categories: [BIOLOGY] }, role: 'reader', endsAt: null }));
  const doctorState = newSharedState();
  const doctorPins = memoryPinStore();
  await listSharedWithMe(api(doctor.accountId), doctor, doctorPins, doctorState);
  const download = await openSharedPayload(api(doctor.accountId), doctor, doctorPins, doctorState, { grantId, documentId });
  await new Response(download.stream).arrayBuffer();
  await server.state.storage.checkpoint();
}, 60_000);

afterAll(() => server.close());

describe('vault-audit over a shared vault', () => {
  it('ATK-34 a share and a practitioner read: every grant verified, no error, no canary', async () => {
    const report = await runAudit({ dataDir: server.dataDir, canaries: Object.values(CANARIES), logs: [] });
    expect(errorsOf(report)).toEqual([]);
    expect(report.canaries.hits).toBe(0);
    expect(report.tables.find((table) => table.name === 'grant_wraps')?.rows).toBe(1);
  });

  it('ATK-20 a grant for an account the owner never listed is an error', async () => {
    const errors = await auditTampered((db) => {
      db.prepare("UPDATE grants SET recipient_account_id = 'autre@example.org' WHERE id = ?").run(grantId);
    });
    // Not on the signed share list, envelope addressed to someone else, list naming someone else.
    const row = `row vault_id=${vaultId},id=${grantId}`;
    expect(errors).toEqual([`grant-not-shared @ grants.ends_at ${row}`, `grant-envelope-recipient @ grants.recipient_envelope ${row}`, `grant-list-invalid @ grants.list ${row}`]);
  });

  it('ATK-17 a grant list with one byte changed does not verify', async () => {
    const errors = await auditTampered((db) => {
      const { list } = db.prepare('SELECT list FROM grants WHERE id = ?').get(grantId) as { list: Buffer };
      list.writeUInt8(list.readUInt8(list.length - 70) ^ 1, list.length - 70);
      db.prepare('UPDATE grants SET list = ? WHERE id = ?').run(list, grantId);
    });
    expect(errors).toEqual([`grant-list-invalid @ grants.list row vault_id=${vaultId},id=${grantId}`]);
  });

  it('ATK-21 a wrap the signed list does not name (a version re-added by the operator) is an error', async () => {
    const errors = await auditTampered((db) => {
      db.pragma('foreign_keys = OFF');
      db.prepare("INSERT INTO grant_wraps (vault_id, grant_id, document_id, version, wrap) SELECT vault_id, grant_id, document_id, version + 1, wrap FROM grant_wraps WHERE grant_id = ?").run(grantId);
    });
    expect(errors).toEqual([`grant-wrap-unlisted @ grants.list row vault_id=${vaultId},id=${grantId}`]);
  });

  it('ATK-05 a grant-key envelope re-signed by another key is an error', async () => {
    const errors = await auditTampered((db) => {
      const { recipient_envelope: envelope } = db.prepare('SELECT recipient_envelope FROM grants WHERE id = ?').get(grantId) as { recipient_envelope: Buffer };
      envelope.writeUInt8(envelope.readUInt8(envelope.length - 80) ^ 1, envelope.length - 80);
      db.prepare('UPDATE grants SET recipient_envelope = ? WHERE id = ?').run(envelope, grantId);
    });
    expect(errors).toEqual([`grant-envelope-invalid @ grants.recipient_envelope row vault_id=${vaultId},id=${grantId}`]);
  });
});
