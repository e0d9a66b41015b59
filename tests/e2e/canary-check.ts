// The end-of-run leak check (ATK-34): no canary in any byte under DATA_DIR (database, WAL, blobs), in
// what the server printed, nor, with the password too, in any request body the browsers sent.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { filesUnder } from './files-under.ts';
import { PASSWORD, type SentRequest } from './flows.ts';

export interface CanaryScan {
  server: { dataDir: string; output: () => string };
  canaries: Record<string, string>;
  sent: SentRequest[];
}

export function expectNoCanaryLeaked({ server, canaries, sent }: CanaryScan): void {
  const files = filesUnder(server.dataDir);
  // Blobs were written: the scan read the documents' bytes, not an empty folder.
  expect(files.some((path) => path.includes('blobs'))).toBe(true);
  const values = Object.values(canaries);
  const found = files.flatMap((path) => {
    const bytes = readFileSync(path);
    return values.filter((value) => bytes.includes(value)).map((value) => `${value} in ${path}`);
  });
  expect(found).toEqual([]);
  expect(values.filter((value) => server.output().includes(value))).toEqual([]);
  const leaks = sent.flatMap(({ request, body }) => [...values, PASSWORD].filter((value) => body.includes(value)).map((value) => `${value} in ${request}`));
  expect(leaks).toEqual([]);
}
