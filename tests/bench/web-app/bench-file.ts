// Random files on disk for the web app bench, written piece by piece (never a whole file in memory).

import { randomFillSync } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

const PIECE = 16 * 1024 * 1024;

export function writeRandomFile(path: string, bytes: number): void {
  const piece = new Uint8Array(Math.min(PIECE, bytes));
  const fd = openSync(path, 'wx', 0o600);
  try {
    for (let written = 0; written < bytes;) {
      const length = Math.min(piece.length, bytes - written);
      randomFillSync(piece, 0, length);
      written += writeSync(fd, piece, 0, length);
    }
  } finally {
    closeSync(fd);
  }
}
