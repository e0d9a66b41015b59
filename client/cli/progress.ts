// A progress bar on stderr for long transfers, drawn only on a terminal (scripts and tests see nothing),
// at most ten times a second.
export interface Progress {
  update(done: number): void;
  finish(): void;
}

const WIDTH = 30;

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total <= 0) return { update: () => undefined, finish: () => undefined };
  let last = 0;
  const draw = (done: number) => {
    const ratio = Math.min(1, done / total);
    const filled = Math.round(ratio * WIDTH);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
    stream.write(`\r${label} [${bar}] ${String(Math.floor(ratio * 100)).padStart(3)} % ${formatBytes(done)} / ${formatBytes(total)}`);
  };
  return {
    update: (done) => {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      draw(done);
    },
    finish: () => { draw(total); stream.write('\n'); },
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${String(bytes)} o`;
  const units = ['Kio', 'Mio', 'Gio', 'Tio'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value.toFixed(1)} ${units[unit] ?? 'Tio'}`;
}
