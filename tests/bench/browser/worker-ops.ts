// The operations the bench Worker runs. Data is generated in the Worker itself (no 256 MiB copy through
// the driver), and every payload is decrypted and compared before anything is timed.

import { base64 } from '@scure/base';
import { aes256GcmChunkAead } from '../../../crypto/chunk-aead.ts';
import { createStreamEncryptor } from '../../../crypto/stream.ts';
import { benchArgon2 } from '../argon2-ops.ts';
import { NOBLE_CHACHA, PAYLOAD_CODEC, WEBCRYPTO_AES, type AeadChoice, type PayloadAlgorithm } from '../payload-codec.ts';
import { benchVerify } from '../signature-ops.ts';
import { fillRandom, pumpCollect, pumpCount, sourceFromBytes } from '../streams.ts';
import type { BenchOps, PayloadTimings } from './protocol.ts';

type WorkerOps = Omit<BenchOps, 'transfer'>;

function aeadFor(algorithm: PayloadAlgorithm): AeadChoice {
  return algorithm === 'aes-256-gcm' ? WEBCRYPTO_AES : NOBLE_CHACHA;
}

/** Feeds the sealed chunks as they came out of the encryptor (no concatenation of the whole file). */
function sourceFromParts(parts: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      const part = parts[index++];
      if (part === undefined) controller.close();
      else controller.enqueue(part);
    },
  });
}

async function sealToParts(aead: AeadChoice, key: Uint8Array, data: Uint8Array): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  await sourceFromBytes(data).pipeThrough(PAYLOAD_CODEC.encryptor(aead, key, data.length))
    .pipeTo(new WritableStream({ write(chunk) { parts.push(chunk); } }));
  return parts;
}

/** Decrypts and compares with `data` piece by piece, as 32-bit words where aligned. */
async function checkRoundTrip(aead: AeadChoice, key: Uint8Array, parts: readonly Uint8Array[], data: Uint8Array): Promise<void> {
  let offset = 0;
  await sourceFromParts(parts).pipeThrough(PAYLOAD_CODEC.decryptor(aead, key)).pipeTo(new WritableStream({
    write(chunk) {
      const expected = data.subarray(offset, offset + chunk.length);
      if (expected.length !== chunk.length || !expected.every((byte, i) => byte === chunk[i])) {
        throw new Error(`cross-check failed: ${aead.label} round trip differs near byte ${offset}`);
      }
      offset += chunk.length;
    },
  }));
  if (offset !== data.length) throw new Error(`cross-check failed: ${aead.label} round trip length`);
}

// Chromium coarsens performance.now() (0.1 ms steps here), about 5% of a 1 MiB pass: a sample of a
// small payload repeats it until it covers SAMPLE_BYTES and reports the time per pass.
const SAMPLE_BYTES = 16 * 1024 * 1024;

async function best(runs: number, size: number, fn: () => Promise<unknown>): Promise<number> {
  const repeat = Math.max(1, Math.ceil(SAMPLE_BYTES / size));
  let ms = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    for (let j = 0; j < repeat; j++) await fn();
    ms = Math.min(ms, (performance.now() - t0) / repeat);
  }
  return ms;
}

async function payload(arg: { algorithm: PayloadAlgorithm; size: number; runs: number }): Promise<PayloadTimings> {
  const aead = aeadFor(arg.algorithm);
  const key = fillRandom(new Uint8Array(32));
  const data = fillRandom(new Uint8Array(arg.size));
  const parts = await sealToParts(aead, key, data);
  await checkRoundTrip(aead, key, parts, data);
  const encryptMs = await best(arg.runs, arg.size, () => pumpCount(sourceFromBytes(data), PAYLOAD_CODEC.encryptor(aead, key, data.length)));
  const decryptMs = await best(arg.runs, arg.size, () => pumpCount(sourceFromParts(parts), PAYLOAD_CODEC.decryptor(aead, key)));
  const sealedBytes = parts.reduce((n, p) => n + p.length, 0);
  return { encryptMs, decryptMs, sealedBytes, runs: arg.runs };
}

async function rawAes(arg: { size: number; runs: number }): Promise<{ encryptMs: number; decryptMs: number }> {
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.importKey('raw', fillRandom(new Uint8Array(32)), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  const data = fillRandom(new Uint8Array(arg.size));
  const chunk = 64 * 1024;
  const iv = (i: number): Uint8Array<ArrayBuffer> => { const v = new Uint8Array(12); new DataView(v.buffer).setUint32(7, i); return v; };
  const sealed: ArrayBuffer[] = [];
  for (let i = 0; i * chunk < data.length; i++) sealed.push(await subtle.encrypt({ name: 'AES-GCM', iv: iv(i) }, key, data.subarray(i * chunk, (i + 1) * chunk)));
  const encryptMs = await best(arg.runs, arg.size, async () => {
    for (let i = 0; i * chunk < data.length; i++) await subtle.encrypt({ name: 'AES-GCM', iv: iv(i) }, key, data.subarray(i * chunk, (i + 1) * chunk));
  });
  const decryptMs = await best(arg.runs, arg.size, async () => {
    for (const [i, part] of sealed.entries()) await subtle.decrypt({ name: 'AES-GCM', iv: iv(i) }, key, part);
  });
  return { encryptMs, decryptMs };
}

/** AES-GCM encryption one layer at a time: ChunkAead in a loop, then STREAM (where the document time goes). */
async function aesLayers(arg: { size: number; runs: number }): Promise<{ chunkAeadMs: number; streamMs: number }> {
  const aead = aes256GcmChunkAead(fillRandom(new Uint8Array(32)));
  const data = fillRandom(new Uint8Array(arg.size));
  const chunk = 64 * 1024;
  const nonce = (i: number): Uint8Array => { const v = new Uint8Array(12); new DataView(v.buffer).setUint32(7, i); return v; };
  const chunkAeadMs = await best(arg.runs, arg.size, async () => {
    for (let i = 0; i * chunk < data.length; i++) await aead.seal(nonce(i), data.subarray(i * chunk, (i + 1) * chunk));
  });
  const streamMs = await best(arg.runs, arg.size, () => pumpCount(sourceFromBytes(data), createStreamEncryptor(aead)));
  return { chunkAeadMs, streamMs };
}

async function warmup(arg: { ms: number }): Promise<number> {
  const key = fillRandom(new Uint8Array(32));
  const data = fillRandom(new Uint8Array(1024 * 1024));
  const start = performance.now();
  let rounds = 0;
  while (performance.now() - start < arg.ms) {
    await pumpCount(sourceFromBytes(data), PAYLOAD_CODEC.encryptor(WEBCRYPTO_AES, key, data.length));
    rounds += 1;
  }
  return rounds;
}

async function sample(arg: { algorithm: PayloadAlgorithm; keyBase64: string; plaintextBase64: string }): Promise<string> {
  const plaintext = base64.decode(arg.plaintextBase64);
  const encryptor = PAYLOAD_CODEC.encryptor(aeadFor(arg.algorithm), base64.decode(arg.keyBase64), plaintext.length);
  return base64.encode(await pumpCollect(sourceFromBytes(plaintext), encryptor));
}

export const WORKER_OPS: WorkerOps = {
  warmup,
  payload,
  rawAes,
  aesLayers,
  sample,
  verify: (arg) => benchVerify(arg.count, arg.nobleCount),
  argon2: (arg) => benchArgon2(arg),
};
