// The web app rows (DESIGN.md: "upload of a 1 GiB file through the real client pipeline at >= 80% of an
// unencrypted upload's speed, with peak memory independent of the file size"; property 5). In real
// Chromium against the real server, as a patient: a file on disk chosen in "Ajouter des documents", then
// "Chiffrer et envoyer" until "Tous les documents ont été ajoutés." The baseline is the same file's bytes
// sent unencrypted from the same page with the same session and the same shape (4 MiB PUTs), never
// committed. Rounds alternate baseline and pipeline so both see the same load; best of each. Memory is the
// peak RSS of Chromium's process tree and of this process (which hosts the server) during each transfer,
// small file against large, with the CPU seconds each kind of process spent (they say where the time goes,
// and stay meaningful on a loaded machine). Downloads go through the documents page's button, checked byte
// for byte. Chromium is driven over a bare DevTools pipe, not Playwright (cdp-pipe.ts says why).

import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_UPLOAD_CHUNK_BYTES } from '../../../client/core/upload.ts';
import { documentPayloadLength } from '../../../crypto/document.ts';
import { CHROMIUM_BIN } from '../../e2e/browser.ts';
import { MiB, QUICK, formatSize } from '../config.ts';
import { assertTrue } from '../crosscheck.ts';
import type { Results } from '../table.ts';
import { mbPerSecond } from '../timing.ts';
import { writeRandomFile } from './bench-file.ts';
import { sampleMemory, type MemoryPeaks } from './process-tree.ts';
import {
  openWebAppSession, prepareRawUpload, prepareWebAppUpload, rawDownloadMs, rawUploadMs, showDocument, webAppDownload, webAppUpload,
  type WebAppSession,
} from './web-app-session.ts';

const SIZES: readonly { bytes: number; rounds: number }[] = QUICK
  ? [{ bytes: 16 * MiB, rounds: 2 }, { bytes: 256 * MiB, rounds: 1 }]
  : [{ bytes: 64 * MiB, rounds: 3 }, { bytes: 1024 * MiB, rounds: 2 }];
const TIMEOUT_MS = 15 * 60_000;
const UPLOAD = 'Web app upload (Chromium + server)';
const DOWNLOAD = 'Web app download (Chromium + server)';
const MEMORY = 'Web app memory (peak RSS)';

interface Measured<T> {
  value: T;
  memory: MemoryPeaks;
}

async function withMemory<T>(session: WebAppSession, work: () => Promise<T>): Promise<Measured<T>> {
  const sampler = sampleMemory([session.browser.pid]);
  let value: T;
  try {
    value = await work();
  } catch (error) {
    sampler.stop();
    throw error;
  }
  return { value, memory: sampler.stop() };
}

/** The larger peaks of two measurements, and the earlier "before". */
function worst(a: MemoryPeaks | undefined, b: MemoryPeaks): MemoryPeaks {
  if (a === undefined) return b;
  return { ...a, browserPeak: Math.max(a.browserPeak, b.browserPeak), serverPeak: Math.max(a.serverPeak, b.serverPeak), samples: a.samples + b.samples, cpu: b.cpu };
}

interface SizeFigures {
  bytes: number;
  rawUploadMs: number;
  uploadMs: number;
  rawUploadMemory: MemoryPeaks;
  uploadMemory: MemoryPeaks;
  rawDownloadMs: number;
  rawDownloadMemory: MemoryPeaks;
  downloadMs: number;
  downloadMemory: MemoryPeaks;
  /** The text of the button clicked to download (the web app is renaming it). */
  downloadButton: string;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

function titleOf(bytes: number): string {
  return `bench-${String(bytes / MiB)}MiB`;
}

async function measureUploads(session: WebAppSession, path: string, bytes: number, rounds: number): Promise<Pick<SizeFigures, 'rawUploadMs' | 'uploadMs' | 'rawUploadMemory' | 'uploadMemory'>> {
  let rawMs = Number.POSITIVE_INFINITY;
  let pipelineMs = Number.POSITIVE_INFINITY;
  let rawMemory: MemoryPeaks | undefined;
  let pipelineMemory: MemoryPeaks | undefined;
  for (let round = 0; round < rounds; round += 1) {
    await prepareRawUpload(session.browser, path);
    const raw = await withMemory(session, () => rawUploadMs(session, DEFAULT_UPLOAD_CHUNK_BYTES));
    rawMs = Math.min(rawMs, raw.value);
    rawMemory = worst(rawMemory, raw.memory);
    await prepareWebAppUpload(session.browser, path);
    const pipeline = await withMemory(session, () => webAppUpload(session.browser, TIMEOUT_MS));
    pipelineMs = Math.min(pipelineMs, pipeline.value);
    pipelineMemory = worst(pipelineMemory, pipeline.memory);
    console.error(`[bench] web app upload ${formatSize(bytes)} round ${String(round + 1)}: unencrypted ${mbPerSecond(bytes, raw.value).toFixed(0)} MB/s (CPU ${raw.memory.cpu}); pipeline ${mbPerSecond(bytes, pipeline.value).toFixed(0)} MB/s (CPU ${pipeline.memory.cpu})`);
  }
  return { rawUploadMs: rawMs, uploadMs: pipelineMs, rawUploadMemory: rawMemory!, uploadMemory: pipelineMemory! };
}

async function measureDownload(session: WebAppSession, path: string, bytes: number): Promise<Pick<SizeFigures, 'rawDownloadMs' | 'rawDownloadMemory' | 'downloadMs' | 'downloadMemory' | 'downloadButton'>> {
  const raw = await withMemory(session, () => rawDownloadMs(session, documentPayloadLength(bytes)));
  assertTrue(raw.value.bytes === documentPayloadLength(bytes), `unencrypted GET of ${formatSize(bytes)} read the whole payload`);
  await showDocument(session.browser, titleOf(bytes));
  const { value, memory } = await withMemory(session, () => webAppDownload(session, titleOf(bytes), TIMEOUT_MS));
  try {
    assertTrue(await sha256File(value.path) === await sha256File(path), `web app download of ${formatSize(bytes)} returned the uploaded bytes`);
  } finally {
    rmSync(value.path, { force: true });
  }
  console.error(`[bench] web app download ${formatSize(bytes)}: unencrypted ${mbPerSecond(bytes, raw.value.ms).toFixed(0)} MB/s (CPU ${raw.memory.cpu}); web app ${mbPerSecond(bytes, value.ms).toFixed(0)} MB/s (CPU ${memory.cpu})`);
  return { rawDownloadMs: raw.value.ms, rawDownloadMemory: raw.memory, downloadMs: value.ms, downloadMemory: memory, downloadButton: value.button };
}

async function measureSize(session: WebAppSession, dir: string, bytes: number, rounds: number): Promise<SizeFigures> {
  const path = join(dir, `${titleOf(bytes)}.bin`);
  writeRandomFile(path, bytes);
  try {
    const uploads = await measureUploads(session, path, bytes, rounds);
    const downloads = await measureDownload(session, path, bytes);
    return { bytes, ...uploads, ...downloads };
  } finally {
    rmSync(path, { force: true });
  }
}

const mib = (bytes: number): number => bytes / MiB;

function speedRows(results: Results, figures: SizeFigures): void {
  const size = formatSize(figures.bytes);
  const rounds = `best of ${String(SIZES.find((entry) => entry.bytes === figures.bytes)?.rounds ?? 1)}, alternated`;
  const rawUpload = `unencrypted upload ${size}`;
  results.baseline(rawUpload, { section: UPLOAD, operation: `${rawUpload} (fetch from the page, 4 MiB PUTs, not committed)`, value: mbPerSecond(figures.bytes, figures.rawUploadMs), unit: 'MB/s', note: `${rounds}; CPU of the last: ${figures.rawUploadMemory.cpu}` });
  results.add({ section: UPLOAD, operation: `upload ${size} through the web app (pick, encrypt, send, commit)`, value: mbPerSecond(figures.bytes, figures.uploadMs), unit: 'MB/s', against: [rawUpload], target: '>= 0.80x unencrypted', note: `${rounds}; MB of plaintext; CPU of the last: ${figures.uploadMemory.cpu}` });
  const rawDownload = `unencrypted download ${size}`;
  results.baseline(rawDownload, { section: DOWNLOAD, operation: `${rawDownload} (fetch of the stored payload, bytes dropped)`, value: mbPerSecond(figures.bytes, figures.rawDownloadMs), unit: 'MB/s', note: `one run; CPU: ${figures.rawDownloadMemory.cpu}` });
  results.add({ section: DOWNLOAD, operation: `download ${size} through the web app (decrypt to a Blob, save)`, value: mbPerSecond(figures.bytes, figures.downloadMs), unit: 'MB/s', against: [rawDownload], note: `one run, from the click on "${figures.downloadButton}" to the file complete; bytes checked; CPU: ${figures.downloadMemory.cpu}` });
}

function memoryRows(results: Results, small: SizeFigures, large: SizeFigures): void {
  const transfers: readonly [string, (f: SizeFigures) => MemoryPeaks, (f: SizeFigures) => MemoryPeaks][] = [
    ['web app upload', (f) => f.uploadMemory, (f) => f.rawUploadMemory],
    ['web app download', (f) => f.downloadMemory, (f) => f.rawDownloadMemory],
  ];
  for (const [what, peaksOf, rawOf] of transfers) {
    for (const side of ['Chromium tree', 'server process'] as const) {
      const pick = (peaks: MemoryPeaks): { peak: number; before: number } => side === 'Chromium tree'
        ? { peak: peaks.browserPeak, before: peaks.browserBefore }
        : { peak: peaks.serverPeak, before: peaks.serverBefore };
      const note = (f: SizeFigures): string => {
        const own = pick(peaksOf(f));
        return `+${mib(own.peak - own.before).toFixed(0)} MiB over ${mib(own.before).toFixed(0)} MiB before; unencrypted peak ${mib(pick(rawOf(f)).peak).toFixed(0)} MiB`;
      };
      const name = `${side}, ${what} ${formatSize(small.bytes)}`;
      results.baseline(name, { section: MEMORY, operation: name, value: mib(pick(peaksOf(small)).peak), unit: 'MiB', note: note(small) });
      results.add({
        section: MEMORY, operation: `${side}, ${what} ${formatSize(large.bytes)}`, value: mib(pick(peaksOf(large)).peak), unit: 'MiB',
        against: [name], target: '~1.00x (independent of size)', note: note(large),
      });
    }
  }
}

export async function runWebApp(results: Results): Promise<void> {
  if (!existsSync(CHROMIUM_BIN)) {
    results.skip('web app rows', `${CHROMIUM_BIN} not found`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-web-app-'));
  let session: WebAppSession | undefined;
  try {
    session = await openWebAppSession();
    const figures: SizeFigures[] = [];
    for (const { bytes, rounds } of SIZES) figures.push(await measureSize(session, dir, bytes, rounds));
    for (const entry of figures) speedRows(results, entry);
    const [small, large] = figures;
    if (small !== undefined && large !== undefined) memoryRows(results, small, large);
  } finally {
    await session?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
