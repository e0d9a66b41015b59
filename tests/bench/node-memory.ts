// Peak memory of a document round trip (encrypt then decrypt, streamed) at growing sizes, each in a fresh
// Node process: the growth must not depend on the size (DESIGN.md, property 5). All are printed; nothing
// is asserted. A small size never triggers a GC, so its peak is lower; past ~64 MiB the peak sits at the
// level where V8 collects the dropped chunk buffers, whatever the size.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../paths.ts';
import { CONFIG, MiB, formatSize } from './config.ts';
import { assertTrue } from './crosscheck.ts';
import type { MemoryReport } from './memory-child.ts';
import type { Results } from './table.ts';

const CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));

function runChild(bytes: number, aead: string): Promise<MemoryReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, String(bytes), aead], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`memory child exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as MemoryReport);
    });
  });
}

export async function runNodeMemory(results: Results): Promise<void> {
  for (const aead of ['node-chacha', 'webcrypto-aes']) {
    for (const bytes of CONFIG.memorySizes) {
      const report = await runChild(bytes, aead);
      assertTrue(report.outputBytes === bytes, `memory child round trip of ${formatSize(bytes)} returned every byte`);
      const section = 'Node memory (round trip)';
      const what = `${formatSize(bytes)} encrypt+decrypt, ${aead}`;
      const note = 'fresh process, peak growth after GC';
      results.add({ section, operation: `peak RSS growth, ${what}`, value: report.rssGrowth / MiB, unit: 'MiB', target: 'independent of size', note });
      results.add({ section, operation: `peak arrayBuffers growth, ${what}`, value: report.arrayBuffersGrowth / MiB, unit: 'MiB', target: 'independent of size', note });
      results.add({ section, operation: `arrayBuffers retained after GC, ${what}`, value: report.arrayBuffersRetained / MiB, unit: 'MiB', target: '~0 (no leak)', note: 'end minus start' });
    }
  }
}
