// `npm run bench`: cross-checks, then baselines, then our operations in Node and in Chromium, printed as
// one table of figures and ratios to baselines from this same run. No timing is asserted. BENCH_QUICK=1
// runs everything on small sizes (a smoke run of the harness). Exit code 1 when an output cross-check
// fails (a speed figure for wrong output is worthless) or a section throws; a missing tool (age,
// Chromium) only skips its rows.

import { createAgeFixture, disposeAgeFixture, type AgeFixture } from './age-cli.ts';
import { availableParallelism, loadavg } from 'node:os';
import { runBaselines } from './baselines.ts';
import { CONFIG, QUICK, formatSize } from './config.ts';
import { BenchCheckError, checkAgeAgainstCli, checkStreamAgainstOpenssl } from './crosscheck.ts';
import { runBrowser } from './browser/browser-bench.ts';
import { runLoad } from './load/load-bench.ts';
import { runNodeOps } from './node-ops.ts';
import { runNodeCliPath } from './node-cli-path.ts';
import { runNodeMemory } from './node-memory.ts';
import { runNodePayload } from './node-payload.ts';
import { runShareOps } from './share-ops.ts';
import { Results, renderTable } from './table.ts';
import { runWebApp } from './web-app/web-app-bench.ts';

type Section = (results: Results, age: AgeFixture | undefined) => Promise<void>;

const SECTIONS: readonly [string, Section][] = [
  ['cross-checks', async (_results, age) => {
    await checkStreamAgainstOpenssl();
    await checkAgeAgainstCli(age);
  }],
  ['baselines', (results, age) => runBaselines(results, age)],
  ['Node payload', (results) => runNodePayload(results)],
  ['Node CLI path', (results, age) => runNodeCliPath(results, age)],
  ['Node memory', (results) => runNodeMemory(results)],
  ['Node keys and signatures', (results) => runNodeOps(results)],
  ['Node sharing', (results) => runShareOps(results)],
  ['Chromium', (results) => runBrowser(results)],
  ['web app (Chromium + server)', (results) => runWebApp(results)],
  ['load (SQLite)', (results) => runLoad(results, 'sqlite')],
  ['load (PostgreSQL)', (results) => runLoad(results, 'postgres')],
];

const sectionLog: string[] = [];

/** Wall time, and the share of one core this process got: far below 100% means other load competed. */
function logSection(name: string, t0: number, cpu0: NodeJS.CpuUsage): void {
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const share = ((cpu.user + cpu.system) / 1000 / wallMs) * 100;
  const line = `${name}: ${(wallMs / 1000).toFixed(1)} s, this process used ${share.toFixed(0)}% of a core`;
  sectionLog.push(line);
  console.error(`[bench] ${line}`);
}

/** Runs one section; false when it failed (a cross-check or an unexpected error: both exit 1). */
async function runSection(name: string, section: Section, results: Results, age: AgeFixture | undefined): Promise<boolean> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    await section(results, age);
    logSection(name, t0, cpu0);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const isCheck = error instanceof BenchCheckError || message.includes('cross-check failed');
    results.skip(name, isCheck ? message : `error: ${message}`);
    console.error(`[bench] ${name} FAILED:`, error);
    return false;
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const results = new Results();
  console.error(`[bench] ${QUICK ? 'QUICK mode (small sizes)' : 'full run'}; age file ${formatSize(CONFIG.ageFileBytes)}`);
  const age = await createAgeFixture(CONFIG.ageFileBytes);
  let allPassed = true;
  try {
    for (const [name, section] of SECTIONS) allPassed = (await runSection(name, section, results, age)) && allPassed;
  } finally {
    disposeAgeFixture(age);
  }
  console.log(renderTable(results));
  console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s${QUICK ? ' (BENCH_QUICK=1)' : ''}; MB = 10^6 bytes; best of several runs.`);
  console.log(`Load average (1 min) ${loadBefore.toFixed(2)} at start, ${(loadavg()[0] ?? 0).toFixed(2)} at end, on ${availableParallelism()} cores.`);
  console.log(sectionLog.map((line) => `- ${line}`).join('\n'));
  const cores = availableParallelism();
  if (Math.max(loadBefore, loadavg()[0] ?? 0) > cores) {
    console.log(`WARNING: the machine was loaded (load average above ${cores}): figures are lower bounds and ratios are noisy; run again when it is quiet.`);
  }
  if (!allPassed) process.exitCode = 1;
}

await main();
