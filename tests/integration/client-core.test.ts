// client/core against the real app through app.request, with a fetch wrapper that plays a malicious server:
// weak KDF parameters (ATK-25), a mauled key bundle (ATK-01), a replayed vault manifest (ATK-16), a hidden
// or injected record (ATK-18, ATK-06), an altered payload (ATK-07).
import { rejectionCode as codeOf } from '../error-code.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { logIn, signUp, type UnlockedAccount } from '../../client/core/account.ts';
import { createApiClient, type ApiClient, type FetchLike } from '../../client/core/api.ts';
import { downloadDocument, listDocuments } from '../../client/core/documents.ts';
import { newDocumentId, uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { REPO_ROOT } from '../paths.ts';
import { ORIGIN, startServer, type TestServer } from './harness.ts';

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let account: UnlockedAccount;
let token: string;
const seen: string[] = [];

type Tamper = (path: string, method: string, response: Response) => Response | Promise<Response>;

/** A fetch into the app that logs each path and lets `tamper` rewrite the answer. */
function fetchVia(tamper: Tamper = (_path, _method, response) => response): FetchLike {
  return async (url, init) => {
    const path = new URL(url).pathname + new URL(url).search;
    seen.push(`${init.method ?? 'GET'} ${new URL(url).pathname}`);
    return tamper(path, init.method ?? 'GET', await server.app.request(url, init));
  };
}

function api(tamper?: Tamper): ApiClient {
  return createApiClient(ORIGIN, { token, fetch: fetchVia(tamper) });
}

async function rewriteJson(response: Response, edit: (body: Record<string, unknown>) => void): Promise<Response> {
  const body = (await response.json()) as Record<string, unknown>;
  edit(body);
  return new Response(JSON.stringify(body), { status: response.status, headers: { 'content-type': 'application/json' } });
}

function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => { controller.enqueue(bytes); controller.close(); } });
}

async function upload(state: VaultState, text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  const metadata = { title: 'Bilan', category: '11502-2', dateOfCare: '2026-02-14', author: 'Dr Exemple', fileName: 'bilan.txt', mimeType: 'text/plain' };
  const result = await uploadDocument(api(), account, state, { stream: bytesStream(bytes), size: bytes.length, metadata, chunkBytes: 64 });
  return result.documentId;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

beforeAll(async () => {
  server = await startServer();
  const client = createApiClient(ORIGIN, { fetch: fetchVia() });
  const { recoveryWords } = await signUp(client, 'alice@example.org', PASSWORD);
  expect(recoveryWords).toHaveLength(24);
  account = await logIn(client, 'alice@example.org', PASSWORD);
  token = client.token ?? '';
}, 30_000);

afterAll(() => server.close());

describe('client core', () => {
  it('imports nothing from node: and touches no DOM global, so a Web Worker can run it', () => {
    const dir = join(REPO_ROOT, 'client', 'core');
    const files = readdirSync(dir).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const name of files) {
      const code = readFileSync(join(dir, name), 'utf8');
      expect(code, name).not.toMatch(/from '(node:|fs|path|os|crypto)['/]/);
      expect(code, name).not.toMatch(/(?<![\w/.'-])(document|window|localStorage|sessionStorage)\.\w/);
    }
  });

  it('uploads in ranges, lists verified and decrypted entries, downloads identical bytes', async () => {
    const state: VaultState = {};
    const text = 'Hémoglobine 14 g/dL '.repeat(20);
    const documentId = await upload(state, text);
    expect(state.head?.sequence).toBe(1);
    const entries = await listDocuments(api(), account, state);
    expect(entries.map((entry) => [entry.documentId, entry.metadata.title, entry.metadata.realLength])).toEqual([[documentId, 'Bilan', new TextEncoder().encode(text).length]]);
    const download = await downloadDocument(api(), account, state, documentId);
    expect(await readAll(download.stream)).toBe(text);
  });

  it('ATK-25 logIn refuses weak or costly KDF parameters before sending anything derived from the password', async () => {
    for (const [memoryKiB, iterations, code] of [[1024, 3, 'KDF_PARAMS_TOO_WEAK'], [65_536, 1, 'KDF_PARAMS_TOO_WEAK'], [4_194_304, 3, 'KDF_PARAMS_TOO_COSTLY']] as const) {
      seen.length = 0;
      const client = api((path, _method, response) => path === '/api/accounts/pre-login'
        ? rewriteJson(response, (body) => { Object.assign(body.kdf as object, { memoryKiB, iterations }); })
        : response);
      expect(await codeOf(logIn(client, 'alice@example.org', PASSWORD))).toBe(code);
      expect(seen).toEqual(['POST /api/accounts/pre-login']);
    }
  });

  it('ATK-01 a mauled wrapped private bundle is the one generic KEY_BUNDLE_INVALID; a wrong password is UNAUTHENTICATED', async () => {
    const client = api((path, _method, response) => path === '/api/sessions'
      ? rewriteJson(response, (body) => {
        const wire = body.account as { wrappedPrivateBundle: string };
        const bytes = fromBase64url(wire.wrappedPrivateBundle);
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
        wire.wrappedPrivateBundle = toBase64url(bytes);
      })
      : response);
    expect(await codeOf(logIn(client, 'alice@example.org', PASSWORD))).toBe('KEY_BUNDLE_INVALID');
    expect(await codeOf(logIn(api(), 'alice@example.org', 'wrong password'))).toBe('UNAUTHENTICATED');
    token = (await logInFresh()).token;
  }, 30_000);

  it('ATK-16 a replayed older vault manifest is ROLLBACK', async () => {
    const state: VaultState = {};
    await listDocuments(api(), account, state);
    const old = await (await server.app.request(`${ORIGIN}/api/vaults/${account.vaultId}/manifest`, { headers: { authorization: `Bearer ${token}` } })).text();
    await upload(state, 'second document');
    const replay = api((path, _method, response) => path.endsWith('/manifest') ? new Response(old, { status: 200, headers: { 'content-type': 'application/json' } }) : response);
    expect(await codeOf(listDocuments(replay, account, state))).toBe('ROLLBACK');
    expect(await codeOf(listDocuments(api(), account, {}))).toBe('(none)');
  });

  it('ATK-18 a record the server hides is RECORD_MISSING; ATK-06 one it injects twice is RECORD_UNEXPECTED', async () => {
    const state: VaultState = {};
    expect((await listDocuments(api(), account, state)).length).toBeGreaterThanOrEqual(2);
    const editListing = (edit: (documents: unknown[]) => unknown[]) => api((path, _method, response) => /\/documents\?/.test(path)
      ? rewriteJson(response, (body) => { body.documents = edit(body.documents as unknown[]); })
      : response);
    expect(await codeOf(listDocuments(editListing((documents) => documents.slice(1)), account, state))).toBe('RECORD_MISSING');
    expect(await codeOf(listDocuments(editListing((documents) => [...documents, documents[0]]), account, state))).toBe('RECORD_UNEXPECTED');
  });

  it('ATK-07 an altered payload fails the download stream; nothing is released as complete', async () => {
    const state: VaultState = {};
    const documentId = await upload(state, 'payload to alter');
    const altered = api(async (path, _method, response) => {
      if (!path.endsWith('/payload')) return response;
      const bytes = new Uint8Array(await response.arrayBuffer());
      bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0x80;
      return new Response(bytes, { status: 200 });
    });
    const download = await downloadDocument(altered, account, state, documentId);
    expect(await codeOf(readAll(download.stream))).toMatch(/^(DECRYPTION_FAILED|MANIFEST_MISMATCH)$/);
  });
});

async function logInFresh(): Promise<{ token: string }> {
  const client = createApiClient(ORIGIN, { fetch: fetchVia() });
  account = await logIn(client, 'alice@example.org', PASSWORD);
  return { token: client.token ?? '' };
}

describe('document ids', () => {
  it('never start with a dash, so a command line never reads one as an option', () => {
    for (let i = 0; i < 2_000; i += 1) {
      const id = newDocumentId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{20}[AQgw]$/);
    }
  });
});
