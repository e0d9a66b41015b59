// The pages' facade over the crypto Worker (client/lib/vault-client.ts), against a stand-in Worker: each
// call is one message with its own id, progress reaches only its caller, and a failure arrives as a
// VaultError carrying the stable code and nothing else.
import { describe, expect, it } from 'vitest';
import { createVaultClient, VaultError } from '../../client/lib/vault-client.ts';
import type { WorkerReply, WorkerRequest } from '../../client/worker/protocol.ts';

/** Records what the facade posts; `answer` plays the Worker's replies. */
function fakeWorker() {
  const posted: WorkerRequest[] = [];
  const worker = {
    onmessage: null as ((event: MessageEvent<WorkerReply>) => void) | null,
    postMessage: (message: WorkerRequest) => { posted.push(message); },
  };
  const answer = (reply: WorkerReply) => { worker.onmessage?.({ data: reply } as MessageEvent<WorkerReply>); };
  return { worker: worker as unknown as Worker, posted, answer };
}

describe('vault client facade', () => {
  it('matches replies to calls by id and routes progress to its own caller', async () => {
    const { worker, posted, answer } = fakeWorker();
    const client = createVaultClient(worker);
    const seen: [number, number][] = [];
    const upload = client.call('uploadDocument', { file: new Blob(['x']), metadata: { title: 't', category: 'other', dateOfCare: '2026-01-01', author: 'a', fileName: 'f', mimeType: 'text/plain' } }, (done, total) => { seen.push([done, total]); });
    const list = client.call('listDocuments', {});
    expect(posted.map((message) => message.op)).toEqual(['uploadDocument', 'listDocuments']);
    const [first, second] = posted.map((message) => message.id);
    answer({ id: second!, kind: 'result', value: [] });
    answer({ id: first!, kind: 'progress', done: 10, total: 20 });
    answer({ id: first!, kind: 'result', value: { documentId: 'd', version: 1 } });
    expect(await list).toEqual([]);
    expect(await upload).toEqual({ documentId: 'd', version: 1 });
    expect(seen).toEqual([[10, 20]]);
  });

  it('rejects with a VaultError that carries the code and source only', async () => {
    const { worker, posted, answer } = fakeWorker();
    const client = createVaultClient(worker);
    const login = client.call('logIn', { accountId: 'a', password: 'secret password' });
    answer({ id: posted[0]!.id, kind: 'error', error: { source: 'crypto', code: 'KDF_PARAMS_TOO_WEAK' } });
    const error = await login.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(VaultError);
    expect(error).toMatchObject({ code: 'KDF_PARAMS_TOO_WEAK', source: 'crypto' });
    expect(String(error)).not.toContain('secret');
  });
});
