// The canary search as findings: every form of every --canary in every file given (the data folder or the
// blob folder, and the logs) and in every copy held in memory (a PostgreSQL snapshot's serialized copy).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { canaryForms } from './canary-forms.ts';
import { scanBytes, scanFile, type CanaryHit } from './canary-scan.ts';
import type { Findings } from './findings.ts';

export interface CanaryReport { count: number; forms: number; filesScanned: number; hits: number }

export interface CanaryTargets {
  /** Files found by the tool itself: they exist. */
  files: readonly string[];
  /** Files given with --logs: a missing one is an error. */
  logs: readonly string[];
  /** Bytes held in memory, by the name their hits are reported under. */
  copies?: readonly { name: string; bytes: Buffer }[];
}

export function auditCanaries(canaries: readonly string[], targets: CanaryTargets, findings: Findings): CanaryReport {
  const forms = canaryForms(canaries);
  if (forms.length === 0) return { count: 0, forms: 0, filesScanned: 0, hits: 0 };
  // A log inside the scanned folder is scanned once.
  const files = [...new Set([...targets.files, ...targets.logs].map((path) => resolve(path)))];
  const copies = targets.copies ?? [];
  let hits = 0;
  const report = (found: readonly CanaryHit[]) => {
    hits += found.length;
    for (const hit of found) findings.error('canary-hit', `${hit.path} @ byte ${hit.offset}`, `canary #${hit.canaryIndex + 1} found (${hit.form} form)`);
  };
  for (const path of files) {
    if (existsSync(path)) report(scanFile(path, forms));
    else findings.error('log-missing', path, 'a log file given with --logs does not exist');
  }
  for (const copy of copies) report(scanBytes(copy.bytes, copy.name, forms));
  return { count: canaries.length, forms: forms.length, filesScanned: files.length + copies.length, hits };
}
