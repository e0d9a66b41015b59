// Recovery with the 24 words, password change and account deletion, through client/core against the real
// app (app.request). A fetch wrapper records every request and can play a malicious server (ATK-24, ATK-01).
import { rejectionCode as codeOf } from '../error-code.ts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveRecoveryKeys, parseRecoveryWords } from '../../crypto/recovery-key.ts';
import { toBase64url } from '../../shared/binary.ts';
import { logIn, signUp, type UnlockedAccount } from '../../client/core/account.ts';
import { changePassword, deleteAccount, recoverAccount } from '../../client/core/account-recovery.ts';
import { createApiClient, type ApiClient, type FetchLike } from '../../client/core/api.ts';
import { downloadDocument, listDocuments } from '../../client/core/documents.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import { ORIGIN, startServer, type TestServer } from './harness.ts';

const ALICE = 'alice@example.org';
const BOB = 'bob@example.org';
let server: TestServer;
let aliceWords: string[];
let bobWords: string[];
/** Bob's blobs: after Alice's deletion DATA_DIR must hold exactly these. */
let bobBlobs: string[];
const seen: string[] = [];

type Tamper = (path: string, response: Response) => Response | Promise<Response>;

function client(tamper: Tamper = (_path, response) => response): ApiClient {
  const fetchVia: FetchLike = async (url, init) => {
    const path = new URL(url).pathname;
    seen.push(`${init.method ?? 'GET'} ${path}`);
    return tamper(path, await server.app.request(url, init));
  };
  return createApiClient(ORIGIN, { fetch: fetchVia });
}

async function upload(api: ApiClient, account: UnlockedAccount, text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  const stream = new ReadableStream<Uint8Array>({ start: (controller) => { controller.enqueue(bytes); controller.close(); } });
  const metadata = { title: text, category: '11502-2', dateOfCare: '2026-02-14', author: 'Dr Exemple', fileName: 'bilan.txt', mimeType: 'text/plain' };
  return (await uploadDocument(api, account, {}, { stream, size: bytes.length, metadata, chunkBytes: 64 })).documentId;
}

/** Logs in and returns each document's title and decrypted text: proof that nothing was lost. */
async function documentsOf(accountId: string, password: string): Promise<string[]> {
  const api = client();
  const account = await logIn(api, accountId, password);
  const entries = await listDocuments(api, account, {});
  const texts: string[] = [];
  for (const entry of entries) {
    const download = await downloadDocument(api, account, {}, entry.documentId);
    texts.push(`${entry.metadata.title}=${await new Response(download.stream).text()}`);
  }
  return texts.sort();
}

/** The blob files in DATA_DIR/blobs (the tmp folder of unfinished uploads aside). */
function blobs(): string[] {
  return readdirSync(join(server.dataDir, 'blobs'), { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
}

beforeAll(async () => {
  server = await startServer();
  aliceWords = (await signUp(client(), ALICE, 'alice first password')).recoveryWords;
  bobWords = (await signUp(client(), BOB, 'bob password here')).recoveryWords;
  for (const [accountId, password, text] of [[ALICE, 'alice first password', 'ordonnance'], [BOB, 'bob password here', 'radio']] as const) {
    const api = client();
    const before = new Set(blobs());
    await upload(api, await logIn(api, accountId, password), text);
    bobBlobs = blobs().filter((name) => !before.has(name));
  }
  expect(bobBlobs.length).toBeGreaterThanOrEqual(1);
}, 60_000);

afterAll(() => server.close());

describe('recoverAccount', () => {
  it('rejects words that are not 24 words of the list with RECOVERY_PHRASE_INVALID before any request', async () => {
    for (const words of [aliceWords.slice(1).join(' '), [...aliceWords.slice(1), 'zzzzz'].join(' '), '']) {
      seen.length = 0;
      expect(await codeOf(recoverAccount(client(), ALICE, words, 'new password'))).toBe('RECOVERY_PHRASE_INVALID');
      expect(seen).toEqual([]);
    }
  });

  it('refuses the valid words of another account: UNAUTHENTICATED, no reset sent', async () => {
    seen.length = 0;
    expect(await codeOf(recoverAccount(client(), ALICE, bobWords.join(' '), 'un tout nouveau mot de passe'))).toBe('UNAUTHENTICATED');
    expect(seen).toEqual(['POST /api/accounts/recovery']);
  });

  it('ATK-24 ATK-01 a server returning another account\'s recovery bundle gets KEY_BUNDLE_INVALID and no reset', async () => {
    const bobAnswer = await (await server.app.request(`${ORIGIN}/api/accounts/recovery`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: BOB, recoveryAuthKey: recoveryAuthKeyOf(BOB, bobWords) }),
    })).json() as { publicBundle: string; recoveryWrappedPrivateBundle: string };
    const swaps: ((body: Record<string, string>) => void)[] = [
      (body) => { Object.assign(body, bobAnswer); },
      (body) => { body.recoveryWrappedPrivateBundle = bobAnswer.recoveryWrappedPrivateBundle; },
      (body) => { body.publicBundle = bobAnswer.publicBundle; },
    ];
    for (const swap of swaps) {
      seen.length = 0;
      const evil = client(async (path, response) => {
        if (path !== '/api/accounts/recovery') return response;
        const body = (await response.json()) as Record<string, string>;
        swap(body);
        return Response.json(body);
      });
      expect(await codeOf(recoverAccount(evil, ALICE, aliceWords.join(' '), 'un tout nouveau mot de passe'))).toBe('KEY_BUNDLE_INVALID');
      expect(seen).toEqual(['POST /api/accounts/recovery']);
    }
  }, 30_000);

  it('sets a new password with the words; the old one fails, the new one opens every document', async () => {
    seen.length = 0;
    await recoverAccount(client(), ALICE, aliceWords.join('\n'), 'alice recovered password');
    expect(seen).toEqual(['POST /api/accounts/recovery', 'POST /api/accounts/recovery/reset']);
    expect(await codeOf(logIn(client(), ALICE, 'alice first password'))).toBe('UNAUTHENTICATED');
    expect(await documentsOf(ALICE, 'alice recovered password')).toEqual(['ordonnance=ordonnance']);
  }, 30_000);
});

describe('changePassword', () => {
  it('replaces the password: the old one fails, the new one works, documents intact', async () => {
    const api = client();
    const account = await logIn(api, ALICE, 'alice recovered password');
    expect(await codeOf(changePassword(api, account, 'not the password', 'alice third password'))).toBe('UNAUTHENTICATED');
    await changePassword(api, account, 'alice recovered password', 'alice third password');
    expect(await codeOf(logIn(client(), ALICE, 'alice recovered password'))).toBe('UNAUTHENTICATED');
    expect(await documentsOf(ALICE, 'alice third password')).toEqual(['ordonnance=ordonnance']);
  }, 40_000);
});

describe('deleteAccount', () => {
  it('deletes the account and its blobs; log-in fails after; the other account is untouched', async () => {
    const api = client();
    const account = await logIn(api, ALICE, 'alice third password');
    await upload(api, account, 'compte rendu');
    expect(blobs().length).toBeGreaterThan(bobBlobs.length + 1);
    expect(await codeOf(deleteAccount(api, ALICE, 'wrong password'))).toBe('UNAUTHENTICATED');
    await deleteAccount(api, ALICE, 'alice third password');
    expect(api.token).toBeUndefined();
    expect(await codeOf(logIn(client(), ALICE, 'alice third password'))).toBe('UNAUTHENTICATED');
    expect(blobs()).toEqual(bobBlobs);
    expect(await documentsOf(BOB, 'bob password here')).toEqual(['radio=radio']);
  }, 40_000);
});

function recoveryAuthKeyOf(accountId: string, words: string[]): string {
  return toBase64url(deriveRecoveryKeys(parseRecoveryWords(words.join(' ')), accountId).authKey);
}
