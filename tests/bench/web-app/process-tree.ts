// Resident memory and CPU time of whole process trees, read from /proc (Linux): Chromium is a browser
// process plus zygotes, a renderer (which hosts the page and its Worker), a network and a storage service;
// what a document costs shows up in any of them, so the tree's summed VmRSS is sampled. Shared pages count
// once per process, which only adds a constant to every sample. CPU seconds per kind of process say where
// an upload's time goes, and stay meaningful when other load slows the wall clock.

import { readFileSync, readdirSync } from 'node:fs';

/** Parent pid of every live process. */
function parentMap(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so parse after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(name), ppid);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return parents;
}

/** Every process whose ancestry reaches one of `roots`, roots included. */
function treeOf(roots: readonly number[], parents: Map<number, number>): number[] {
  const members = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!members.has(pid) && members.has(ppid)) {
        members.add(pid);
        grew = true;
      }
    }
  }
  return [...members].filter((pid) => parents.has(pid));
}

/** VmRSS of one process in bytes; 0 once it has ended. */
function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) one process has used so far (Linux /proc); 0 once it has ended. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Chromium's name for a process: its --type (renderer, zygote...), the service of a utility, or "browser". */
function kindOf(pid: number): string {
  try {
    // Chromium rewrites the command line of the processes it forks: arguments end with NUL or a space.
    const args = readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').split(/[\0 ]/);
    const value = (name: string): string | undefined => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
    const type = value('type');
    if (type === undefined) return 'browser';
    return type === 'utility' ? value('utility-sub-type')?.split('.')[0] ?? type : type;
  } catch {
    return 'ended';
  }
}

/** CPU seconds used so far by each kind of process in the trees under `roots`. */
export function cpuByKind(roots: readonly number[]): Map<string, number> {
  const seconds = new Map<string, number>();
  for (const pid of treeOf(roots, parentMap())) {
    const kind = kindOf(pid);
    seconds.set(kind, (seconds.get(kind) ?? 0) + cpuSecondsOf(pid));
  }
  return seconds;
}

/** What was used between two readings of cpuByKind, largest first, e.g. "renderer 3.1 s, network 1.2 s". */
export function cpuSpent(before: Map<string, number>, after: Map<string, number>): string {
  return [...after].map(([kind, seconds]) => [kind, seconds - (before.get(kind) ?? 0)] as const)
    .filter(([, seconds]) => seconds >= 0.05).sort((a, b) => b[1] - a[1])
    .map(([kind, seconds]) => `${kind} ${seconds.toFixed(1)} s`).join(', ');
}

export interface MemoryPeaks {
  /** Summed RSS of the Chromium tree, and this process's RSS (the in-process server), at start and peak. */
  browserBefore: number;
  browserPeak: number;
  serverBefore: number;
  serverPeak: number;
  samples: number;
  /** CPU seconds spent meanwhile by each kind of Chromium process, and by this process ("server"). */
  cpu: string;
}

/**
 * Samples both every `intervalMs` until stopped. The tree's membership is refreshed every tenth sample
 * (a full /proc scan costs more than reading a few status files; Chromium starts no process per upload).
 */
export function sampleMemory(browserRoots: readonly number[], intervalMs = 50): { stop: () => MemoryPeaks } {
  let members = treeOf(browserRoots, parentMap());
  const browserNow = (): number => members.reduce((sum, pid) => sum + rssOf(pid), 0);
  const cpuBefore = cpuByKind(browserRoots);
  const serverCpuBefore = process.cpuUsage();
  const peaks: MemoryPeaks = { browserBefore: browserNow(), browserPeak: 0, serverBefore: process.memoryUsage.rss(), serverPeak: 0, samples: 0, cpu: '' };
  const sample = (): void => {
    if (peaks.samples % 10 === 9) members = treeOf(browserRoots, parentMap());
    peaks.browserPeak = Math.max(peaks.browserPeak, browserNow());
    peaks.serverPeak = Math.max(peaks.serverPeak, process.memoryUsage.rss());
    peaks.samples += 1;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      const server = process.cpuUsage(serverCpuBefore);
      const serverSeconds = (server.user + server.system) / 1e6;
      return { ...peaks, cpu: `Chromium: ${cpuSpent(cpuBefore, cpuByKind(browserRoots))}; server ${serverSeconds.toFixed(1)} s` };
    },
  };
}
