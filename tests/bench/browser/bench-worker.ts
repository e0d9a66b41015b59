// The bench Worker: answers WorkerRequests with WORKER_OPS, errors as messages.

import type { WorkerRequest, WorkerResponse } from './protocol.ts';
import { WORKER_OPS } from './worker-ops.ts';

const scope = globalThis as unknown as DedicatedWorkerGlobalScope;

async function answer(request: WorkerRequest): Promise<WorkerResponse> {
  try {
    if (request.op === 'transfer') throw new Error('transfer runs on the main thread');
    const op = WORKER_OPS[request.op] as (arg: unknown) => Promise<unknown>;
    return { id: request.id, ok: true, value: await op(request.arg) };
  } catch (error) {
    return { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

scope.onmessage = (event: MessageEvent<WorkerRequest | { id: number; op: 'receive'; buffer: ArrayBuffer }>) => {
  const request = event.data;
  if (request.op === 'receive') {
    scope.postMessage({ id: request.id, ok: true, value: request.buffer.byteLength } satisfies WorkerResponse);
    return;
  }
  void answer(request).then((response) => { scope.postMessage(response); });
};
