// The Chromium rows: payload throughput in a module Worker (ratio to node:crypto ChaCha20-Poly1305 from
// this run), the cost of handing a big buffer to the Worker, Ed25519 verification and Argon2id. Payloads
// sealed in the page are first opened in Node by node:crypto (an independent implementation).

import { randomBytes } from 'node:crypto';
import { base64 } from '@scure/base';
import { BASE_CHACHA, BASE_CHACHA_DEC, aroundBaselines } from '../baselines.ts';
import { CONFIG, QUICK, formatSize } from '../config.ts';
import { NODE_AES, NODE_CHACHA, checkOpens } from '../node-payload.ts';
import { PAYLOAD_CODEC, type PayloadAlgorithm } from '../payload-codec.ts';
import type { Results } from '../table.ts';
import { mbPerSecond } from '../timing.ts';
import { openBenchPage, type BenchPage } from './chromium.ts';
import { addVerifyRows } from '../verify-rows.ts';

const SECTION = 'Chromium (Worker)';
const ALGORITHMS: readonly [PayloadAlgorithm, string][] = [['aes-256-gcm', 'WebCrypto AES-256-GCM'], ['chacha20-poly1305', 'noble ChaCha20-Poly1305']];

async function crossCheckSamples(page: BenchPage): Promise<void> {
  for (const [algorithm, label] of ALGORITHMS) {
    const key = new Uint8Array(randomBytes(32));
    const plaintext = new Uint8Array(randomBytes(3 * 64 * 1024 + 777));
    const sealed = base64.decode(await page.call('sample', { algorithm, keyBase64: base64.encode(key), plaintextBase64: base64.encode(plaintext) }));
    const node = algorithm === 'aes-256-gcm' ? NODE_AES : NODE_CHACHA;
    await checkOpens(node, `${label} in Chromium`, key, sealed, plaintext);
  }
}

const BASE_WEB_AES = 'Chromium raw WebCrypto AES-GCM';

/** Raw WebCrypto AES-GCM in 64 KiB chunks: what the document path could reach in this browser. */
async function rawAesBaseline(page: BenchPage, results: Results): Promise<void> {
  const size = CONFIG.baselineBytes;
  const t = await aroundBaselines(results, [BASE_CHACHA, BASE_CHACHA_DEC], () => page.call('rawAes', { size, runs: 3 }));
  const note = `${formatSize(size)}, one awaited call per 64 KiB chunk, best of 3`;
  results.baseline(BASE_WEB_AES, { section: SECTION, operation: `${BASE_WEB_AES} encrypt`, value: mbPerSecond(size, t.encryptMs), unit: 'MB/s', note });
  results.baseline(`${BASE_WEB_AES} decrypt`, { section: SECTION, operation: `${BASE_WEB_AES} decrypt`, value: mbPerSecond(size, t.decryptMs), unit: 'MB/s', note });
  const layers = await page.call('aesLayers', { size, runs: 3 });
  const layerNote = `${formatSize(size)}, encrypt: where the document time goes`;
  results.add({ section: SECTION, operation: '  aes256GcmChunkAead in a loop', value: mbPerSecond(size, layers.chunkAeadMs), unit: 'MB/s', against: [BASE_WEB_AES], note: layerNote });
  results.add({ section: SECTION, operation: '  STREAM (createStreamEncryptor), no document format', value: mbPerSecond(size, layers.streamMs), unit: 'MB/s', against: [BASE_WEB_AES], note: layerNote });
}

async function payloadRows(page: BenchPage, results: Results): Promise<void> {
  await rawAesBaseline(page, results);
  for (const size of CONFIG.browserPayloadSizes) {
    for (const [algorithm, label] of ALGORITHMS) {
      const runs = size >= 64 * 1024 * 1024 ? 2 : 5;
      const t = await aroundBaselines(results, [BASE_CHACHA, BASE_CHACHA_DEC], () => page.call('payload', { algorithm, size, runs }));
      const what = `${PAYLOAD_CODEC.name} ${formatSize(size)}, ${label}`;
      const common = { section: SECTION, unit: 'MB/s' as const, target: '>= 0.50x node:crypto ChaCha', note: `best of ${t.runs}${size < 16 * 1024 * 1024 ? ' samples of 16 MiB' : ''}, round trip checked` };
      results.add({ ...common, operation: `encrypt ${what}`, value: mbPerSecond(size, t.encryptMs), against: [BASE_CHACHA, BASE_WEB_AES] });
      results.add({ ...common, operation: `decrypt ${what}`, value: mbPerSecond(size, t.decryptMs), against: [BASE_CHACHA_DEC, `${BASE_WEB_AES} decrypt`] });
    }
  }
}

async function transferRows(page: BenchPage, results: Results): Promise<void> {
  const size = Math.max(...CONFIG.browserPayloadSizes);
  const t = await page.call('transfer', { size });
  results.add({ section: SECTION, operation: `hand ${formatSize(size)} to the Worker by transfer`, value: t.transferMs, unit: 'ms', note: 'postMessage round trip' });
  results.add({ section: SECTION, operation: `hand ${formatSize(size)} to the Worker by copy`, value: t.copyMs, unit: 'ms', note: 'structured clone, for comparison' });
}

async function cryptoOpsRows(page: BenchPage, results: Results): Promise<void> {
  addVerifyRows(results, SECTION, await page.call('verify', { count: CONFIG.verifications, nobleCount: CONFIG.nobleVerifications }));
  const { memoryKiB, passes, runs } = CONFIG.argon2;
  const ms = await page.call('argon2', CONFIG.argon2);
  results.add({ section: SECTION, operation: `Argon2id m=${memoryKiB / 1024} MiB t=${passes} p=1 (libsodium-sumo wasm)`, value: ms, unit: 'ms', target: '<= 1,000 ms', note: `best of ${runs}` });
}

export async function runBrowser(results: Results): Promise<void> {
  const page = await openBenchPage();
  if (page === undefined) {
    results.skip('Chromium rows', '/usr/bin/chromium not found');
    return;
  }
  try {
    const rounds = await page.call('warmup', { ms: QUICK ? 1000 : 3000 });
    console.error(`[bench] ${page.version}: warmed up with ${rounds} AES-GCM 1 MiB payloads`);
    await crossCheckSamples(page);
    await payloadRows(page, results);
    await transferRows(page, results);
    await cryptoOpsRows(page, results);
  } finally {
    await page.close();
  }
}

