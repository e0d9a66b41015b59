// The bench page: starts the Worker and exposes window.benchCall for the Node driver (page.evaluate).

import { fillRandom } from '../streams.ts';
import type { OpArg, OpName, OpResult, WorkerRequest, WorkerResponse } from './protocol.ts';

const worker = new Worker(new URL('./bench-worker.ts', import.meta.url), { type: 'module' });
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextId = 1;

worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
  const response = event.data;
  const waiter = pending.get(response.id);
  pending.delete(response.id);
  if (waiter === undefined) return;
  if (response.ok) waiter.resolve(response.value);
  else waiter.reject(new Error(response.error));
};

function post(message: WorkerRequest | { id: number; op: 'receive'; buffer: ArrayBuffer }, transfer: Transferable[] = []): Promise<unknown> {
  return new Promise((resolve, reject) => {
    pending.set(message.id, { resolve, reject });
    worker.postMessage(message, transfer);
  });
}

/** Round trip of handing `size` bytes to the Worker, once moved (transfer list) and once cloned. */
async function transfer(size: number): Promise<{ transferMs: number; copyMs: number }> {
  const moved = new ArrayBuffer(size);
  const cloned = new ArrayBuffer(size);
  fillRandom(new Uint8Array(moved));
  fillRandom(new Uint8Array(cloned));
  let t0 = performance.now();
  await post({ id: nextId++, op: 'receive', buffer: moved }, [moved]);
  const transferMs = performance.now() - t0;
  t0 = performance.now();
  await post({ id: nextId++, op: 'receive', buffer: cloned });
  return { transferMs, copyMs: performance.now() - t0 };
}

window.benchCall = async <K extends OpName>(op: K, arg: OpArg<K>): Promise<OpResult<K>> => {
  if (op === 'transfer') return (await transfer((arg as OpArg<'transfer'>).size)) as OpResult<K>;
  return (await post({ id: nextId++, op, arg })) as OpResult<K>;
};
window.benchReady = true;
