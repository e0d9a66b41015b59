// Bytes copied so far, on stderr: a line redrawn in place on a terminal (at most ten times a second),
// otherwise one line every 5 seconds, so a log of a long backup shows it is alive.
import { formatBytes } from './format-bytes.ts';

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressPrinter {
  update: (done: number, total: number) => void;
  finish: () => void;
}

export function progressPrinter(label: string, stream: ProgressStream): ProgressPrinter {
  const interval = stream.isTTY === true ? 100 : 5_000;
  let last = Date.now();
  let drawn = false;
  return {
    update: (done, total) => {
      const now = Date.now();
      if (now - last < interval) return;
      last = now;
      const line = `${label} : ${formatBytes(done)} / ${formatBytes(total)}`;
      if (stream.isTTY === true) { stream.write(`\r${line}`); drawn = true; } else stream.write(`${line}\n`);
    },
    finish: () => { if (drawn) stream.write('\n'); },
  };
}
