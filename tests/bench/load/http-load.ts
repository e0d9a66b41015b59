// Many concurrent keep-alive connections on one GET route, with autocannon (in this process: the servers
// run in processes of their own). A figure counts only if every answer was a 2xx: one error, timeout or
// other status (a 429 from throttling, a 401 from an expired session) fails the run, since a rate of
// refusals says nothing about the route.
import autocannon from 'autocannon';
import { BenchCheckError } from '../crosscheck.ts';
import { cpuSecondsOf } from '../web-app/process-tree.ts';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** The server's pid, to report the CPU it used meanwhile. */
  serverPid: number;
}

export interface LoadFigures {
  requestsPerSecond: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU seconds the server used per wall second (1.0 = one core busy). */
  serverCores: number;
}

export async function measureLoad(options: LoadOptions): Promise<LoadFigures> {
  const cpu0 = cpuSecondsOf(options.serverPid);
  const t0 = performance.now();
  const result = await autocannon({
    url: options.url,
    method: 'GET',
    headers: options.headers,
    connections: options.connections,
    duration: options.durationSeconds,
  });
  const serverCores = (cpuSecondsOf(options.serverPid) - cpu0) / ((performance.now() - t0) / 1000);
  const statuses = Object.entries((result as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})
    .map(([status, { count }]) => `${status}: ${String(count)}`).join(', ');
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || result.requests.total === 0) {
    throw new BenchCheckError(`load on ${new URL(options.url).pathname.replace(/[A-Za-z0-9_-]{20,}/g, ':id')}: ${String(result.non2xx)} non-2xx (${statuses}), ${String(result.errors)} errors, ${String(result.timeouts)} timeouts of ${String(result.requests.total)}`);
  }
  return {
    requestsPerSecond: result.requests.total / result.duration,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    serverCores,
  };
}
