// client/core/upload.ts sends range N while range N+1 is encrypted, against the real app: never two PUTs
// of one upload at once (the server refuses that), ranges in order and contiguous, and on a failure the
// in-flight PUT settles before the DELETE, so the server really drops the upload (no CONFLICT left over).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, signUp, type UnlockedAccount } from '../../client/core/account.ts';
import { createApiClient, type ApiClient, type FetchLike } from '../../client/core/api.ts';
import { downloadDocument } from '../../client/core/documents.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { rejectionCode } from '../error-code.ts';
import { ORIGIN, startServer, type TestServer } from './harness.ts';
import { countRows } from './stored-rows.ts';

const PASSWORD = 'correct horse battery staple';
const METADATA = { title: 'Scanner', category: '18748-4', dateOfCare: '2026-02-14', author: 'Dr Exemple', fileName: 'scanner.bin', mimeType: 'application/octet-stream' };
let server: TestServer;
let account: UnlockedAccount;
let token: string;

interface Traffic {
  /** "METHOD path" and, for a PUT, its Content-Range, in the order the requests were made or answered. */
  log: string[];
  maxPutsAtOnce: number;
}

/** A fetch into the app that answers each PUT after `delayMs` (so that overlap shows) and fails PUT number `failPut`. */
function watchedApi(traffic: Traffic, options: { delayMs: number; failPut?: number }): ApiClient {
  let putsInFlight = 0;
  let puts = 0;
  const fetch: FetchLike = async (url, init) => {
    const method = init.method ?? 'GET';
    const path = new URL(url).pathname;
    if (method !== 'PUT') {
      traffic.log.push(`${method} ${path}`);
      return server.app.request(url, init);
    }
    puts += 1;
    putsInFlight += 1;
    traffic.maxPutsAtOnce = Math.max(traffic.maxPutsAtOnce, putsInFlight);
    traffic.log.push(`PUT ${(init.headers as Record<string, string>)['content-range'] ?? ''}`);
    try {
      await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (puts === options.failPut) return Response.json({ error: { code: 'INTERNAL' } }, { status: 500 });
      return await server.app.request(url, init);
    } finally {
      putsInFlight -= 1;
      traffic.log.push('PUT answered');
    }
  };
  return createApiClient(ORIGIN, { token, fetch });
}

/** `bytes` in pieces, one per millisecond (a disk read), erroring once `failAfter` bytes were given. */
function piecesOf(bytes: Uint8Array, piece: number, failAfter?: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (failAfter !== undefined && offset >= failAfter) controller.error(new Error('the file could not be read'));
      else if (offset >= bytes.length) controller.close();
      else controller.enqueue(bytes.slice(offset, offset += piece));
    },
  });
}

function uploadsLeft(): Promise<number> {
  return countRows(server.state.storage, server.state.storage.tables.uploads);
}

beforeAll(async () => {
  server = await startServer();
  const client = createApiClient(ORIGIN, { fetch: async (url, init) => server.app.request(url, init) });
  await signUp(client, 'alice@example.org', PASSWORD);
  account = await logIn(client, 'alice@example.org', PASSWORD);
  token = client.token ?? '';
}, 30_000);

afterAll(() => server.close());

describe('upload ranges', () => {
  it('keeps one PUT at a time, in order and contiguous, and the document reads back intact', async () => {
    const traffic: Traffic = { log: [], maxPutsAtOnce: 0 };
    const api = watchedApi(traffic, { delayMs: 5 });
    const bytes = new Uint8Array(5000).map((_, i) => (i * 7) % 251);
    const state: VaultState = {};
    const { documentId } = await uploadDocument(api, account, state, { stream: piecesOf(bytes, 300), size: bytes.length, metadata: METADATA, chunkBytes: 1024 });
    expect(traffic.maxPutsAtOnce).toBe(1);
    const ranges = traffic.log.filter((line) => line.startsWith('PUT bytes')).map((line) => /bytes (\d+)-(\d+)\/(\d+)/.exec(line)!.slice(1).map(Number));
    expect(ranges.length).toBeGreaterThan(4);
    ranges.forEach(([start, end, total], index) => {
      expect(start).toBe(index === 0 ? 0 : ranges[index - 1]![1]! + 1);
      expect(end).toBeLessThan(total!);
    });
    expect(ranges.at(-1)![1]).toBe(ranges.at(-1)![2]! - 1);
    const download = await downloadDocument(api, account, state, documentId);
    expect(new Uint8Array(await new Response(download.stream).arrayBuffer())).toEqual(bytes);
  });

  it('stops at a failed PUT and deletes the upload once nothing is on the wire', async () => {
    const traffic: Traffic = { log: [], maxPutsAtOnce: 0 };
    const bytes = new Uint8Array(8000);
    const upload = uploadDocument(watchedApi(traffic, { delayMs: 5, failPut: 3 }), account, {}, { stream: piecesOf(bytes, 500), size: bytes.length, metadata: METADATA, chunkBytes: 1024 });
    expect(await rejectionCode(upload)).toBe('INTERNAL');
    expect(traffic.log.filter((line) => line.startsWith('PUT bytes'))).toHaveLength(3);
    expect(traffic.log.at(-1)).toMatch(/^DELETE \/api\/vaults\/.+\/uploads\//);
    expect(traffic.log.at(-2)).toBe('PUT answered');
    expect(await uploadsLeft()).toBe(0);
  });

  it('stops when the file fails to read while a range is on the wire, and deletes the upload after it', async () => {
    const traffic: Traffic = { log: [], maxPutsAtOnce: 0 };
    // The encryptor emits 64 KiB chunks a few seals behind its input: ranges are on the wire before the read fails.
    const bytes = new Uint8Array(2048 * 1024);
    const upload = uploadDocument(watchedApi(traffic, { delayMs: 20 }), account, {}, { stream: piecesOf(bytes, 64 * 1024, 1024 * 1024), size: bytes.length, metadata: METADATA, chunkBytes: 32 * 1024 });
    await expect(upload).rejects.toThrow('the file could not be read');
    expect(traffic.log.filter((line) => line.startsWith('PUT bytes')).length).toBeGreaterThan(0);
    expect(traffic.log.at(-1)).toMatch(/^DELETE \/api\/vaults\/.+\/uploads\//);
    expect(traffic.log.at(-2)).toBe('PUT answered');
    expect(await uploadsLeft()).toBe(0);
  });
});
