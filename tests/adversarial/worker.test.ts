// The web app's path: the real crypto Worker module (client/worker/crypto-worker.ts), loaded in Node with a
// stand-in for its global scope, logs in with the HttpOnly cookie and talks to the real server through the
// tamper layer. A document that fails any check must come back as a typed failure and never as a Blob.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationName, Operations, WorkerFailure, WorkerReply, WorkerRequest } from '../../client/worker/protocol.ts';
import { DOCUMENT_HEADER_BYTES } from '../../crypto/document.ts';
import { ORIGIN } from '../integration/harness.ts';
import { editBytes, editJson, flipBit } from './tamper.ts';
import { content, METADATA, openWorld, PASSWORD, type World } from './world.ts';

const PAYLOAD = /\/payload$/;
const PLAINTEXT = content(5000, 11);

let world: World;
let jar: string | undefined;
const replies: WorkerReply[] = [];
let nextId = 1;
const scope = { location: { origin: ORIGIN }, postMessage: (reply: WorkerReply) => { replies.push(reply); }, onmessage: null as ((event: { data: WorkerRequest }) => void) | null };
const realFetch = globalThis.fetch;
let documentId = '';

/** A browser's fetch for the Worker: same-origin headers and a cookie jar, then the tamper layer. */
async function browserFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('origin', ORIGIN);
  headers.set('sec-fetch-site', 'same-origin');
  if (jar !== undefined) headers.set('cookie', jar);
  const url = input instanceof Request ? input.url : String(input);
  const response = await world.tamper.fetch(url, { ...init, headers });
  const setCookie = response.headers.get('set-cookie');
  if (setCookie !== null) jar = /Max-Age=0/i.test(setCookie) ? undefined : setCookie.split(';')[0];
  return response;
}

/** Posts one operation to the Worker; resolves with its result, or rejects with its typed failure. */
function call<K extends OperationName>(op: K, input: Operations[K]): Promise<{ result: unknown } | { failure: WorkerFailure }> {
  const id = nextId++;
  scope.onmessage?.({ data: { id, op, input } as WorkerRequest });
  return new Promise((resolve) => {
    const poll = () => {
      const reply = replies.find((entry) => entry.id === id && entry.kind !== 'progress');
      if (reply === undefined) {
        setTimeout(poll, 5);
        return;
      }
      resolve(reply.kind === 'result' ? { result: reply.value } : { failure: (reply as { error: WorkerFailure }).error });
    };
    poll();
  });
}

beforeAll(async () => {
  world = await openWorld();
  Object.assign(globalThis, { self: scope, fetch: browserFetch });
  await import('../../client/worker/crypto-worker.ts');
  expect(await call('signUp', { accountId: 'dora@example.org', password: PASSWORD, language: 'fr' })).toHaveProperty('result');
  expect(await call('logIn', { accountId: 'dora@example.org', password: PASSWORD })).toEqual({ result: { accountId: 'dora@example.org', role: 'patient' } });
  expect(jar).toMatch(/^__Host-session=/);
  const uploaded = await call('uploadDocument', { file: new Blob([PLAINTEXT]), metadata: METADATA });
  documentId = (uploaded as { result: { documentId: string } }).result.documentId;
});

afterAll(async () => {
  Object.assign(globalThis, { fetch: realFetch });
  Reflect.deleteProperty(globalThis, 'self');
  await world.close();
});

describe('the crypto Worker', () => {
  it('hands over the decrypted Blob when nothing is altered (control)', async () => {
    world.tamper.reset();
    const answer = await call('downloadDocument', { documentId });
    const blob = (answer as { result: { blob: Blob } }).result.blob;
    expect(Buffer.from(await blob.arrayBuffer()).equals(Buffer.from(PLAINTEXT))).toBe(true);
  });

  it('ATK-07 a flipped payload bit is a crypto failure and no Blob ever leaves the Worker', async () => {
    for (const at of [DOCUMENT_HEADER_BYTES + 3, -1]) {
      world.tamper.use(editBytes(`flip ${String(at)}`, PAYLOAD, (bytes) => flipBit(bytes, at)));
      const before = replies.length;
      expect(await call('downloadDocument', { documentId })).toEqual({ failure: { source: 'crypto', code: 'MANIFEST_MISMATCH' } });
      expect(world.tamper.fired).toEqual([`flip ${String(at)}`]);
      expect(replies.slice(before).filter((reply) => reply.kind === 'result')).toEqual([]);
    }
  });

  it('ATK-09 a payload cut short is a crypto failure and no Blob ever leaves the Worker', async () => {
    world.tamper.use(editBytes('cut', PAYLOAD, (bytes) => bytes.slice(0, DOCUMENT_HEADER_BYTES + 100)));
    expect(await call('downloadDocument', { documentId })).toEqual({ failure: { source: 'crypto', code: 'MANIFEST_MISMATCH' } });
  });

  it('ATK-18 a hidden record makes the whole list fail (RECORD_MISSING), not a shorter list', async () => {
    world.tamper.use(editJson('hide', /\/documents\?/, (body) => { body.documents = []; }));
    expect(await call('listDocuments', {})).toEqual({ failure: { source: 'crypto', code: 'RECORD_MISSING' } });
  });
});
