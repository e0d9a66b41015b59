// The load section alone: `npx tsx tests/bench/load/main.ts` (BENCH_QUICK=1 for a short run).
import { loadavg } from 'node:os';
import { Results, renderTable } from '../table.ts';
import { runLoad } from './load-bench.ts';
import { BACKEND_LABEL } from './vault-server.ts';

const results = new Results();
const loadBefore = loadavg()[0] ?? 0;
for (const backend of ['sqlite', 'postgres'] as const) {
  try {
    await runLoad(results, backend);
  } catch (error) {
    results.skip(`load (${BACKEND_LABEL[backend]})`, error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
console.log(renderTable(results));
console.log(`Load average (1 min) ${loadBefore.toFixed(2)} at start, ${(loadavg()[0] ?? 0).toFixed(2)} at end.`);
