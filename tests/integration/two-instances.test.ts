// Two server processes on one storage serve the same users as one server would (issue 6): every state a
// request leaves behind — session, throttle counters, upload progress, documents — lives in the database or
// the blob folder, never in one process's memory. The real client core talks to both, switching from one
// to the other in the middle of a session and of an upload, as a load balancer without affinity would.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, logOut, signUp } from '../../client/core/account.ts';
import { deleteDocument, downloadDocument, listDocuments } from '../../client/core/documents.ts';
import { accessHistory } from '../../client/core/history.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import type { SettingsState } from '../../client/core/vault-settings.ts';
import { DEFAULT_POLICY } from '../../server/services/deps.ts';
import { toBase64url } from '../../shared/binary.ts';
import { uploadStateSchema } from '../../shared/documents.ts';
import { apiErrorBodySchema } from '../../shared/errors.ts';
import { rejectionCode } from '../error-code.ts';
import { routedClient, sharedStorage, startInstances, type InstanceName, type Instances, type RoutedClient } from './instances.ts';

const PASSWORD = 'cheval correct agrafe batterie';
const METADATA = { title: 'Bilan sanguin', category: '11502-2', dateOfCare: '2026-02-14', author: 'Dr Exemple', fileName: 'bilan.txt', mimeType: 'text/plain' };
/** Small ranges, so one upload is many PUTs to split between the instances. */
const CHUNK_BYTES = 4096;

let instances: Instances;
const owner = 'deux-instances@example.test';
/** The owner's device: the vault head it verified last, whichever instance served it. */
const state: VaultState & SettingsState = {};

beforeAll(async () => {
  instances = await startInstances(await sharedStorage());
  const client = routedClient(instances);
  await signUp(client.api, owner, PASSWORD);
});

afterAll(async () => {
  await instances.close();
});

/** Deterministic bytes that differ from range to range. */
function content(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = (seed * 2_654_435_761) >>> 0;
  for (let i = 0; i < length; i += 1) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => { controller.enqueue(bytes.slice()); controller.close(); } });
}

async function logInOn(instance: InstanceName) {
  const client = routedClient(instances);
  client.use(instance);
  const account = await logIn(client.api, owner, PASSWORD);
  return { client, account };
}

async function downloadOn(client: RoutedClient, instance: InstanceName, account: Awaited<ReturnType<typeof logIn>>, documentId: string): Promise<Uint8Array> {
  client.use(instance);
  const download = await downloadDocument(client.api, account, state, documentId);
  return new Uint8Array(await new Response(download.stream).arrayBuffer());
}

function instancesOf(client: RoutedClient, method: string, pathEnd: RegExp): InstanceName[] {
  return client.sent.filter((sent) => sent.method === method && pathEnd.test(sent.path)).map((sent) => sent.instance);
}

describe('two server processes on one database and one blob folder', () => {
  it('a session opened on A serves on B, and a log-out on B ends it on A', async () => {
    const { client, account } = await logInOn('A');
    const bytes = content(3000, 1);
    const { documentId } = await uploadDocument(client.api, account, state, { stream: streamOf(bytes), size: bytes.length, metadata: METADATA });

    client.use('B');
    expect((await listDocuments(client.api, account, state)).map((entry) => entry.documentId)).toContain(documentId);
    expect(await downloadOn(client, 'B', account, documentId)).toEqual(bytes);

    const token = client.api.token;
    client.use('B');
    await logOut(client.api);
    client.api.token = token;
    client.use('A');
    expect(await rejectionCode(listDocuments(client.api, account, state))).toBe('UNAUTHENTICATED');
    client.use('B');
    expect(await rejectionCode(listDocuments(client.api, account, state))).toBe('UNAUTHENTICATED');
  });

  it('an upload begun on A, continued on B and committed on A reads back byte-exact from both', async () => {
    const { client, account } = await logInOn('A');
    const bytes = content(10 * CHUNK_BYTES, 2);
    let puts = 0;
    // The first two ranges to A, the rest to B, everything else (create, commit) to A.
    client.route((method) => (method === 'PUT' && ++puts > 2 ? 'B' : 'A'));
    const { documentId } = await uploadDocument(client.api, account, state, { stream: streamOf(bytes), size: bytes.length, metadata: METADATA, chunkBytes: CHUNK_BYTES });

    const putsTo = instancesOf(client, 'PUT', /\/uploads\/[^/]+$/);
    expect(putsTo.slice(0, 2)).toEqual(['A', 'A']);
    expect(putsTo.length).toBeGreaterThan(4);
    expect(new Set(putsTo.slice(2))).toEqual(new Set(['B']));
    expect(instancesOf(client, 'POST', /\/commit$/)).toEqual(['A']);

    expect(await downloadOn(client, 'A', account, documentId)).toEqual(bytes);
    expect(await downloadOn(client, 'B', account, documentId)).toEqual(bytes);
    expect(await instances.storage.audit()).toEqual([]);
  });

  it('a document deleted through B is gone from A at once, blob included', async () => {
    const { client, account } = await logInOn('A');
    const bytes = content(2000, 3);
    const { documentId } = await uploadDocument(client.api, account, state, { stream: streamOf(bytes), size: bytes.length, metadata: METADATA });
    const blobsBefore = await blobFiles('published');

    client.use('B');
    await deleteDocument(client.api, account, state, documentId);
    client.use('A');
    expect((await listDocuments(client.api, account, state)).map((entry) => entry.documentId)).not.toContain(documentId);
    expect(await rejectionCode(downloadOn(client, 'A', account, documentId))).toBe('NOT_FOUND');
    expect(await blobFiles('published')).toHaveLength(blobsBefore.length - 1);
    expect(await instances.storage.audit()).toEqual([]);
  });

  it('failed log-ins on A and B add up to one lock, which both enforce', async () => {
    const accountId = 'verrou@example.test';
    await signUp(routedClient(instances).api, accountId, PASSWORD);
    const { accountMax } = DEFAULT_POLICY.throttle;
    // Half the allowed failures on each instance: only a shared counter reaches the maximum.
    for (let attempt = 0; attempt < accountMax; attempt += 1) {
      const client = routedClient(instances);
      client.use(attempt % 2 === 0 ? 'A' : 'B');
      expect(await rejectionCode(logIn(client.api, accountId, 'mauvais mot de passe'))).toBe('UNAUTHENTICATED');
    }
    for (const instance of ['A', 'B'] as const) {
      const client = routedClient(instances);
      client.use(instance);
      expect(await rejectionCode(logIn(client.api, accountId, PASSWORD))).toBe('TOO_MANY_REQUESTS');
    }
  });

  it('failed log-ins sent to A and B at the same moment are all counted', async () => {
    const accountId = 'verrou-rafale@example.test';
    await signUp(routedClient(instances).api, accountId, PASSWORD);
    const { accountMax } = DEFAULT_POLICY.throttle;
    const wrongKey = { accountId, authKey: toBase64url(new Uint8Array(32)), tokenDelivery: 'bearer' };
    const attempts = Array.from({ length: accountMax }, (_, i) => onInstance(i % 2 === 0 ? 'A' : 'B', 'POST', '/api/sessions', undefined, {
      headers: { 'content-type': 'application/json' }, body: JSON.stringify(wrongKey),
    }));
    expect(await Promise.all(attempts.map(async (attempt) => apiCode(await attempt)))).toEqual(Array.from({ length: accountMax }, () => 'UNAUTHENTICATED'));
    expect(await rejectionCode(logIn(routedClient(instances).api, accountId, PASSWORD))).toBe('TOO_MANY_REQUESTS');
  });

  it('reads on A and B at the same moment all succeed, each one a link of one unbroken access history', async () => {
    const { client, account } = await logInOn('A');
    const bytes = content(5000, 5);
    const { documentId } = await uploadDocument(client.api, account, state, { stream: streamOf(bytes), size: bytes.length, metadata: METADATA });
    const before = (await accessHistory(client.api, account, state)).length;
    const devices = (['A', 'B'] as const).map((instance) => {
      const device = routedClient(instances);
      device.api.token = client.api.token;
      device.use(instance);
      return device;
    });
    const reads = Array.from({ length: 16 }, async (_, i) => {
      const device = devices[i % 2] ?? client;
      const download = await downloadDocument(device.api, account, {}, documentId);
      return new Uint8Array(await new Response(download.stream).arrayBuffer());
    });
    for (const read of await Promise.all(reads)) expect(read).toEqual(bytes);
    // Each download appends an envelope read and a payload read; accessHistory verifies the chain.
    const events = await accessHistory(client.api, account, state);
    expect(events.length - before).toBe(2 * 16);
    expect(events.map((event) => event.sequence)).toEqual(events.map((_, i) => i + 1));
  });

  it('one writer per upload across instances: B refuses a range or an abort while A writes, then takes over', async () => {
    const { client, account } = await logInOn('A');
    const token = client.api.token ?? '';
    const size = 2 * CHUNK_BYTES;
    const bytes = content(size, 4);
    const path = await createUpload(account.vaultId, token, size);
    const first = bytes.slice(0, CHUNK_BYTES);
    const held = heldPut(path, token, first, size);
    try {
      await someTemporaryBlobHoldsBytes();
      const racing = await onInstance('B', 'PUT', path, token, putInit(first, 0, size));
      expect(await apiCode(racing)).toBe('CONFLICT');
      expect(await apiCode(await onInstance('B', 'DELETE', path, token))).toBe('CONFLICT');
    } finally {
      held.finish();
    }
    expect((await held.response).status).toBe(200);
    // A's hold ends with its request: B stores the next range, after what A stored.
    const second = await onInstance('B', 'PUT', path, token, putInit(bytes.slice(CHUNK_BYTES), CHUNK_BYTES, size));
    expect(uploadStateSchema.parse(await second.json()).received).toBe(size);
    expect((await onInstance('A', 'DELETE', path, token)).status).toBe(204);
    expect(await blobFiles('tmp')).toEqual([]);
    expect(await instances.storage.audit()).toEqual([]);
  });
});

/** Blob files in the shared folder: published ones, or (`tmp`) temporaries of uploads. */
async function blobFiles(folder: 'published' | 'tmp'): Promise<string[]> {
  const path = join(instances.storage.dataDir, 'blobs', ...(folder === 'tmp' ? ['tmp'] : []));
  return (await readdir(path)).filter((name) => /^[0-9a-f]{32}$/.test(name)).map((name) => join(path, name));
}

/** One request by hand to one instance, for what the client core never does (two writers at once). */
function onInstance(instance: InstanceName, method: string, path: string, token: string | undefined, init: RequestInit = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return fetch(`${instances.url[instance].replace(/\/+$/, '')}${path}`, { ...init, method, headers });
}

async function apiCode(response: Response): Promise<string> {
  return apiErrorBodySchema.parse(await response.json()).error.code;
}

/** An upload begun on A; its path. */
async function createUpload(vaultId: string, token: string, size: number): Promise<string> {
  const response = await onInstance('A', 'POST', `/api/vaults/${vaultId}/uploads`, token, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ size }) });
  return `/api/vaults/${vaultId}/uploads/${uploadStateSchema.parse(await response.json()).uploadId}`;
}

function putInit(range: Uint8Array<ArrayBuffer>, start: number, size: number): RequestInit {
  const contentRange = `bytes ${String(start)}-${String(start + range.length - 1)}/${String(size)}`;
  return { headers: { 'content-type': 'application/octet-stream', 'content-range': contentRange }, body: range };
}

/** A PUT of `range` (from byte 0) to A whose first half is sent at once, the rest only on finish(). */
function heldPut(path: string, token: string, range: Uint8Array<ArrayBuffer>, size: number): { response: Promise<Response>; finish: () => void } {
  let finish: () => void = () => undefined;
  const half = range.length / 2;
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => {
      controller.enqueue(range.slice(0, half));
      finish = () => { controller.enqueue(range.slice(half)); controller.close(); };
    },
  });
  const init = { ...putInit(range, 0, size), body, duplex: 'half' } as RequestInit;
  return { response: onInstance('A', 'PUT', path, token, init), finish: () => { finish(); } };
}

/** Resolves once a temporary blob holds bytes: the instance writing it is inside the PUT (the only upload open). */
async function someTemporaryBlobHoldsBytes(): Promise<void> {
  for (;;) {
    const sizes = await Promise.all((await blobFiles('tmp')).map(async (path) => (await stat(path)).size));
    if (sizes.some((size) => size > 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
