// Child process of the memory bench: `node --expose-gc --import tsx memory-child.ts <bytes> <aead>`.
// Streams <bytes> of generated plaintext through document encryption then decryption (one pipeline, no
// file), samples memory at every 1 MiB piece, and prints one JSON line: peak growth over the start.

import { NODE_AES, NODE_CHACHA } from './node-payload.ts';
import { PAYLOAD_CODEC, WEBCRYPTO_AES, type AeadChoice } from './payload-codec.ts';
import { countingSink, generatedSource } from './streams.ts';

export interface MemoryReport {
  bytes: number;
  aead: string;
  /** Peak growth over the level measured after a forced GC at the start, in bytes. */
  rssGrowth: number;
  arrayBuffersGrowth: number;
  heapUsedGrowth: number;
  /** arrayBuffers after a forced GC at the end, minus the start: what the round trip kept (a leak). */
  arrayBuffersRetained: number;
  outputBytes: number;
}

export const MEMORY_AEADS: Record<string, AeadChoice> = { 'node-chacha': NODE_CHACHA, 'node-aes': NODE_AES, 'webcrypto-aes': WEBCRYPTO_AES };

async function main(bytes: number, aead: AeadChoice, name: string): Promise<MemoryReport> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const start = process.memoryUsage();
  const peak = { rss: start.rss, arrayBuffers: start.arrayBuffers, heapUsed: start.heapUsed };
  const sample = (): void => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
  };
  const key = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const { sink, bytes: outputBytes } = countingSink();
  await generatedSource(bytes, sample)
    .pipeThrough(PAYLOAD_CODEC.encryptor(aead, key, bytes))
    .pipeThrough(PAYLOAD_CODEC.decryptor(aead, key))
    .pipeTo(sink);
  sample();
  // Array buffers are released by finalizers after a collection: collect, let them run, collect again.
  gc?.();
  await new Promise((resolve) => setImmediate(resolve));
  gc?.();
  const end = process.memoryUsage();
  return {
    bytes, aead: name,
    rssGrowth: peak.rss - start.rss,
    arrayBuffersGrowth: peak.arrayBuffers - start.arrayBuffers,
    heapUsedGrowth: peak.heapUsed - start.heapUsed,
    arrayBuffersRetained: end.arrayBuffers - start.arrayBuffers,
    outputBytes: outputBytes(),
  };
}

const [bytesArg, aeadArg] = process.argv.slice(2);
const aead = MEMORY_AEADS[aeadArg ?? ''];
if (bytesArg === undefined || aead === undefined) throw new TypeError('usage: memory-child.ts <bytes> <node-chacha|node-aes|webcrypto-aes>');
console.log(JSON.stringify(await main(Number(bytesArg), aead, aeadArg!)));
