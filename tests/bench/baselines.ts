// Baselines: a memory copy (the physical ceiling), node:crypto's ChaCha20-Poly1305 and AES-256-GCM in
// 64 KiB chunks (OpenSSL: the practical ceiling), and the `age` CLI (a native peer doing the same job on a
// file). Each is a Probe that can be run again right beside a row (timing.ts, timeInterleaved): on a
// shared machine the load drifts within seconds, so a ratio is only meaningful between measurements
// taken together. The baseline rows show the first measurement and the range of all of them.

import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { ageDecryptToNull, ageEncryptToNull, type AgeFixture } from './age-cli.ts';
import { CONFIG, formatSize } from './config.ts';
import { cipherContext, decipherContext, type OpenSslAead } from './openssl.ts';
import type { Results } from './table.ts';
import { mbPerSecond, timeBest, timeInterleaved, type Timing, type TimingOptions } from './timing.ts';

export const CHUNK = 64 * 1024;
export const BASE_CHACHA = 'node:crypto ChaCha20-Poly1305';
export const BASE_CHACHA_DEC = 'node:crypto ChaCha20-Poly1305 decrypt';
export const BASE_AES = 'node:crypto AES-256-GCM';
export const BASE_AES_DEC = 'node:crypto AES-256-GCM decrypt';
export const BASE_AGE_ENC = 'age CLI encrypt';
export const BASE_AGE_DEC = 'age CLI decrypt';
export const BASE_COPY = 'memory copy';

/** One baseline operation: `run` processes `bytes` bytes. */
export interface Probe {
  name: string;
  note: string;
  bytes: number;
  run: () => unknown;
}

const probes = new Map<string, Probe>();

export function getProbe(name: string): Probe | undefined {
  return probes.get(name);
}

/** Records one measurement of `probe` (best wall time `ms`) as its baseline's current value. */
export function recordProbe(results: Results, probe: Probe, ms: number): void {
  results.baseline(probe.name, { section: 'baseline (Node)', operation: probe.name, value: mbPerSecond(probe.bytes, ms), unit: 'MB/s', note: probe.note });
}

export function streamNonce(index: number, last: boolean): Uint8Array {
  const nonce = new Uint8Array(12);
  new DataView(nonce.buffer).setUint32(7, index);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Seals `data` in 64 KiB chunks with the STREAM nonces; returns the sealed chunks (ciphertext, tag). */
export function opensslSealChunks(cipher: OpenSslAead, key: KeyObject, data: Uint8Array): [Buffer, Buffer][] {
  const out: [Buffer, Buffer][] = [];
  const count = Math.max(1, Math.ceil(data.length / CHUNK));
  for (let i = 0; i < count; i++) {
    const context = cipherContext(cipher, key, streamNonce(i, i === count - 1));
    const body = context.update(data.subarray(i * CHUNK, (i + 1) * CHUNK));
    context.final();
    out.push([body, context.getAuthTag()]);
  }
  return out;
}

/** The timed form of opensslSealChunks: output dropped as it comes, as the decrypt probe does. */
export function opensslSealDiscard(cipher: OpenSslAead, key: KeyObject, data: Uint8Array): number {
  let total = 0;
  const count = Math.max(1, Math.ceil(data.length / CHUNK));
  for (let i = 0; i < count; i++) {
    const context = cipherContext(cipher, key, streamNonce(i, i === count - 1));
    total += context.update(data.subarray(i * CHUNK, (i + 1) * CHUNK)).length;
    context.final();
    total += context.getAuthTag().length;
  }
  return total;
}

export function opensslOpenChunks(cipher: OpenSslAead, key: KeyObject, chunks: readonly [Buffer, Buffer][]): number {
  let total = 0;
  chunks.forEach(([body, tag], i) => {
    const context = decipherContext(cipher, key, streamNonce(i, i === chunks.length - 1));
    context.setAuthTag(tag);
    total += context.update(body).length;
    context.final();
  });
  return total;
}

function aeadProbes(cipher: OpenSslAead, encName: string, decName: string, data: Uint8Array): Probe[] {
  const key = createSecretKey(randomBytes(32));
  const sealed = opensslSealChunks(cipher, key, data);
  const note = `${formatSize(data.length)}, 64 KiB chunks`;
  return [
    { name: encName, note, bytes: data.length, run: () => opensslSealDiscard(cipher, key, data) },
    { name: decName, note, bytes: data.length, run: () => opensslOpenChunks(cipher, key, sealed) },
  ];
}

function ageProbes(fixture: AgeFixture): Probe[] {
  const note = `${formatSize(fixture.plainBytes)} file (page cache) to /dev/null, X25519`;
  return [
    { name: BASE_AGE_ENC, note, bytes: fixture.plainBytes, run: () => ageEncryptToNull(fixture) },
    { name: BASE_AGE_DEC, note, bytes: fixture.plainBytes, run: () => ageDecryptToNull(fixture) },
  ];
}

function copyProbe(data: Uint8Array): Probe {
  const target = new Uint8Array(data.length);
  return { name: BASE_COPY, note: `${formatSize(data.length)} into a reused buffer: the physical ceiling`, bytes: data.length, run: () => { target.set(data); } };
}

/** Creates every probe and measures each once on its own (the first value of each baseline row). */
export async function runBaselines(results: Results, age: AgeFixture | undefined): Promise<void> {
  const data = randomBytes(CONFIG.baselineBytes);
  const all = [
    copyProbe(data),
    ...aeadProbes('chacha20-poly1305', BASE_CHACHA, BASE_CHACHA_DEC, data),
    ...aeadProbes('aes-256-gcm', BASE_AES, BASE_AES_DEC, data),
    ...(age === undefined ? [] : ageProbes(age)),
  ];
  if (age === undefined) results.skip('age CLI baseline', '/usr/bin/age not found');
  for (const probe of all) {
    probes.set(probe.name, probe);
    const slow = probe.name === BASE_AGE_ENC || probe.name === BASE_AGE_DEC;
    recordProbe(results, probe, (await timeBest(probe.run, slow ? { minRuns: 2, minTotalMs: 0 } : {})).bestMs);
  }
}

function knownProbes(names: readonly string[]): Probe[] {
  return names.flatMap((name) => probes.get(name) ?? []);
}

/** Times `candidate` in rounds with the named baselines and records their new values; returns its timing. */
export async function timeWithBaselines(results: Results, candidate: () => unknown, names: readonly string[], options: TimingOptions = {}): Promise<Timing> {
  const found = knownProbes(names);
  const timings = await timeInterleaved([candidate, ...found.map((probe) => probe.run)], options);
  found.forEach((probe, i) => { recordProbe(results, probe, timings[i + 1]!.bestMs); });
  return timings[0]!;
}

/** Runs the named baselines just before and just after `work` (which runs elsewhere, e.g. in Chromium). */
export async function aroundBaselines<T>(results: Results, names: readonly string[], work: () => Promise<T>): Promise<T> {
  const found = knownProbes(names);
  const once = { warmup: false, minRuns: 1, minTotalMs: 0 };
  const before = await timeInterleaved(found.map((probe) => probe.run), once);
  const value = await work();
  const after = await timeInterleaved(found.map((probe) => probe.run), once);
  found.forEach((probe, i) => { recordProbe(results, probe, Math.min(before[i]!.bestMs, after[i]!.bestMs)); });
  return value;
}
