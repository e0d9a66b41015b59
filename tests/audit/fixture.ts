// Real storage for the audit tests: the real app (createApp, through app.request) on a throwaway DATA_DIR,
// driven by the real client core, so the payloads are real ciphertext and the manifests real signatures.
// Canaries are planted where a leak would show: file bytes, title, file name, author. Each seeded-leak
// case works on its own copy of the clean DATA_DIR. The audit tests read DATA_DIR/vault.sqlite3 as an
// operator would, with their own SQLite connection: they run on SQLite only.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logIn, signUp } from '../../client/core/account.ts';
import { createApiClient, type FetchLike } from '../../client/core/api.ts';
import { downloadDocument, listDocuments } from '../../client/core/documents.ts';
import { accessHistory } from '../../client/core/history.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { ORIGIN, startServer, type TestServer } from '../integration/harness.ts';

export const CANARIES = {
  content: 'CANARY-CONTENT-5f2c9e1a-hemoglobine',
  title: 'CANARY-TITLE-b41d07-bilan-sanguin',
  fileName: 'CANARY-FILE-8e3a66.pdf',
} as const;

export interface CleanStorage {
  dataDir: string;
  vaultId: string;
  remove(): void;
}

/** The audit tests open DATA_DIR/vault.sqlite3 themselves: a server on PostgreSQL has no such file. */
export function assertSqlite(server: TestServer): void {
  if (server.state.storage.engine !== 'sqlite') throw new Error('the audit tests read DATA_DIR/vault.sqlite3: SQLite only');
}

function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => { controller.enqueue(bytes); controller.close(); } });
}

/**
 * Signs up, uploads two documents (one with two versions, the second over two 64 KiB chunks), lists,
 * downloads, verifies the access history (a signed checkpoint) and downloads again (events after the
 * checkpoint); returns the closed DATA_DIR.
 */
export async function buildCleanStorage(): Promise<CleanStorage> {
  const server = await startServer();
  assertSqlite(server);
  const fetch: FetchLike = async (url, init) => server.app.request(url, init);
  const client = createApiClient(ORIGIN, { fetch });
  await signUp(client, 'patient@example.org', 'correct horse battery staple');
  const account = await logIn(client, 'patient@example.org', 'correct horse battery staple');
  const state: VaultState = {};
  const metadata = { title: CANARIES.title, category: '11502-2', dateOfCare: '2026-02-14', author: 'Dr Exemple', fileName: CANARIES.fileName, mimeType: 'text/plain' };
  const upload = async (text: string, documentId?: string) => {
    const bytes = new TextEncoder().encode(text);
    return uploadDocument(client, account, state, { stream: bytesStream(bytes), size: bytes.length, metadata, chunkBytes: 4096, ...(documentId === undefined ? {} : { documentId }) });
  };
  const first = await upload(`${CANARIES.content} `.repeat(300));
  await upload(`${CANARIES.content} v2 `.repeat(3000), first.documentId);
  await upload(`${CANARIES.content} small`);
  await listDocuments(client, account, state);
  const download = await downloadDocument(client, account, state, first.documentId);
  await new Response(download.stream).arrayBuffer();
  // Verifying the history stores a checkpoint signed by the owner, which the audit checks too.
  await accessHistory(client, account, state);
  const again = await downloadDocument(client, account, state, first.documentId);
  await new Response(again.stream).arrayBuffer();
  await server.close(true);
  return { dataDir: server.dataDir, vaultId: account.vaultId, remove: () => { rmSync(server.dataDir, { recursive: true, force: true }); } };
}

/** A copy of the clean DATA_DIR for one seeded leak. */
export function copyStorage(clean: CleanStorage): string {
  const dir = mkdtempSync(join(tmpdir(), 'coffre-audit-'));
  cpSync(clean.dataDir, dir, { recursive: true });
  return dir;
}
