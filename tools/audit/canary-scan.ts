// Searches files for canary forms, reading each file in 1 MiB windows that overlap by the longest
// pattern minus one byte, so a match across a window boundary is found once and memory stays bounded.
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CanaryForm } from './canary-forms.ts';

const WINDOW_BYTES = 1024 * 1024;
/** More hits than this for one form in one file are summarised, not listed. */
const MAX_HITS_PER_FORM = 20;

export interface CanaryHit {
  path: string;
  offset: number;
  canaryIndex: number;
  form: string;
}

/** Every match of every form in the file at `path`, by byte offset. */
export function scanFile(path: string, forms: readonly CanaryForm[]): CanaryHit[] {
  if (forms.length === 0) return [];
  const overlap = Math.max(...forms.map((form) => form.bytes.length)) - 1;
  const buffer = Buffer.alloc(WINDOW_BYTES + overlap);
  const hits: CanaryHit[] = [];
  const counts = new Map<CanaryForm, number>();
  const fd = openSync(path, 'r');
  try {
    for (let position = 0, kept = 0; ; ) {
      const read = readSync(fd, buffer, kept, WINDOW_BYTES, position);
      const length = kept + read;
      const windowStart = position - kept;
      for (const form of forms) findAll(buffer.subarray(0, length), form, windowStart, kept, (offset) => {
        const count = (counts.get(form) ?? 0) + 1;
        counts.set(form, count);
        if (count <= MAX_HITS_PER_FORM) hits.push({ path, offset, canaryIndex: form.canaryIndex, form: form.form });
      });
      if (read === 0) break;
      position += read;
      kept = Math.min(overlap, length);
      buffer.copy(buffer, 0, length - kept, length);
    }
  } finally {
    closeSync(fd);
  }
  return hits;
}

/** Every match of every form in `bytes`, held in memory (the copy of a PostgreSQL snapshot); `name` stands for its path. */
export function scanBytes(bytes: Buffer, name: string, forms: readonly CanaryForm[]): CanaryHit[] {
  return forms.flatMap((form) => {
    const offsets: number[] = [];
    findAll(bytes, form, 0, 0, (offset) => { offsets.push(offset); });
    return offsets.slice(0, MAX_HITS_PER_FORM).map((offset) => ({ path: name, offset, canaryIndex: form.canaryIndex, form: form.form }));
  });
}

/** Reports matches that end after the `kept` prefix (the ones before were reported with the last window). */
function findAll(window: Buffer, form: CanaryForm, windowStart: number, kept: number, report: (offset: number) => void): void {
  const first = Math.max(0, kept - form.bytes.length + 1);
  for (let at = window.indexOf(form.bytes, first); at >= 0; at = window.indexOf(form.bytes, at + 1)) {
    report(windowStart + at);
  }
}

/** Every regular file under `dir`, depth first, sorted for a stable report. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    const stats = statSync(path);
    if (stats.isDirectory()) return listFiles(path);
    return stats.isFile() ? [path] : [];
  });
}
