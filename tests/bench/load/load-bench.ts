// The load rows (issue 6): many concurrent clients on loopback against the vault server in its own process,
// on the metadata routes the client reads most (the document list page, the signed vault manifest, one
// document's envelopes and manifest), each beside a bare Hono route measured right before it in the same
// run, in another process; then N uploads started at once, with every byte accounted for. The load
// generator (autocannon) runs here; on a 2-core machine it takes a core from the server, for the bare
// route as for ours, so the ratio is the figure to read, not the absolute rate.
import { randomBytes } from 'node:crypto';
import { QUICK } from '../config.ts';
import { assertTrue, BenchCheckError } from '../crosscheck.ts';
import type { Results } from '../table.ts';
import { auditStoredAfterSweep, storedCounts } from '../../faults/disk-audit.ts';
import { documentVersionResponseSchema, listDocumentsResponseSchema } from '../../../shared/documents.ts';
import { sessionInfoSchema } from '../../../shared/sessions.ts';
import { vaultManifestResponseSchema } from '../../../shared/vaults.ts';
import type { ChildServer } from './child-process.ts';
import { measureLoad, type LoadFigures } from './http-load.ts';
import { InFlight } from './in-flight.ts';
import { fillVault, seedVaults, type VaultHandle } from './seed.ts';
import { checkEveryByte, concurrentUploads, type UploadFigures } from './uploads.ts';
import { BACKEND_LABEL, startBareServer, startVaultServer, type Backend, type VaultServer } from './vault-server.ts';

interface LoadConfig {
  connections: number;
  durationSeconds: number;
  /** An unrecorded run of each route first (JIT, SQLite page cache). */
  warmupSeconds: number;
  /** Documents in the vault the metadata routes read. */
  documents: number;
  uploads: number;
}

const CONFIG: LoadConfig = QUICK
  ? { connections: 50, durationSeconds: 2, warmupSeconds: 1, documents: 20, uploads: 12 }
  : { connections: 50, durationSeconds: 5, warmupSeconds: 1, documents: 300, uploads: 200 };

const BARE = 'bare Hono route (GET /bare, small JSON)';

interface Route {
  operation: string;
  path: string;
  /** Checks one answer's body before the route is timed (a rate of wrong answers is worthless). */
  check: (body: unknown) => void;
  note: string;
}

function routes(vaultId: string, documentIds: readonly string[], documents: number): Route[] {
  const page = Math.min(documents, 200);
  return [
    {
      operation: 'GET current session (the floor of an authenticated route)',
      path: '/api/sessions/current',
      check: (body) => { sessionInfoSchema.parse(body); },
      note: 'one session lookup and a 100-byte answer: every authenticated route costs at least this',
    },
    {
      operation: `GET document list (page of ${String(page)})`,
      path: `/api/vaults/${vaultId}/documents?limit=200`,
      check: (body) => {
        const listed = listDocumentsResponseSchema.parse(body).documents;
        assertTrue(listed.length === page && listed.every((entry) => documentIds.includes(entry.documentId)), 'the list page names seeded documents only, as many as asked');
      },
      note: 'the page the client asks for',
    },
    {
      operation: `GET vault manifest (${String(documents)} records)`,
      path: `/api/vaults/${vaultId}/manifest`,
      check: (body) => {
        const answer = vaultManifestResponseSchema.parse(body);
        assertTrue(answer.sequence === documents && answer.manifest !== null, 'the manifest is the last one signed');
      },
      note: 'signed manifest, sequence checked',
    },
    {
      operation: 'GET one document (envelopes, metadata, manifest)',
      path: `/api/vaults/${vaultId}/documents/${documentIds[0] ?? ''}`,
      check: (body) => {
        const answer = documentVersionResponseSchema.parse(body);
        assertTrue(answer.documentId === documentIds[0] && answer.envelopes.length === 1, 'the document answered is the one asked for');
      },
      note: 'each read appends an access-history event (a write)',
    },
  ];
}

async function checkRoute(url: string, token: string, route: Route): Promise<void> {
  const answer = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  assertTrue(answer.status === 200, `${route.operation} answers 200 before the load (got ${String(answer.status)})`);
  route.check(await answer.json());
}

const ms = (value: number): string => `${String(value)} ms`;

function latencyNote(figures: LoadFigures): string {
  return `p50 ${ms(figures.p50Ms)}, p99 ${ms(figures.p99Ms)}`;
}

async function measureRoutes(results: Results, section: string, vault: VaultServer, bare: ChildServer, first: VaultHandle, documentIds: readonly string[]): Promise<void> {
  const token = first.api.token ?? '';
  const headers = { authorization: `Bearer ${token}` };
  const { connections, durationSeconds, warmupSeconds } = CONFIG;
  const bareUrl = `${bare.url}/bare`;
  await measureLoad({ url: bareUrl, connections, durationSeconds: warmupSeconds, serverPid: bare.pid });
  for (const route of routes(first.account.vaultId, documentIds, CONFIG.documents)) {
    const url = `${vault.url}${route.path}`;
    await checkRoute(url, token, route);
    await measureLoad({ url, headers, connections, durationSeconds: warmupSeconds, serverPid: vault.pid });
    const base = await measureLoad({ url: bareUrl, connections, durationSeconds, serverPid: bare.pid });
    results.baseline(BARE, {
      section: `baseline (load, ${String(connections)} connections)`, operation: BARE, value: base.requestsPerSecond, unit: 'ops/s',
      note: `requests/s; ${latencyNote(base)} (first run); measured right before each route`,
    });
    const figures = await measureLoad({ url, headers, connections, durationSeconds, serverPid: vault.pid });
    results.add({
      section, operation: route.operation, value: figures.requestsPerSecond, unit: 'ops/s', against: [BARE], target: '>= 0.50x bare',
      note: `requests/s, ${String(connections)} connections, ${String(durationSeconds)} s; ${latencyNote(figures)} (bare ${latencyNote(base)}); server ${figures.serverCores.toFixed(2)} cores (bare ${base.serverCores.toFixed(2)}); ${route.note}`,
    });
    console.error(`[bench] load ${route.operation}: ${figures.requestsPerSecond.toFixed(0)} req/s vs bare ${base.requestsPerSecond.toFixed(0)} req/s`);
  }
}

/** The uploads, then the byte-for-byte check and the audit of DATA_DIR with the server stopped; problems found. */
async function measureUploads(vault: VaultServer, empty: readonly VaultHandle[], inFlight: InFlight): Promise<{ figures: UploadFigures; problems: string[]; versions: number }> {
  const { figures, sent } = await concurrentUploads(empty, inFlight, vault.pid);
  const problems = [...figures.failures].map(([code, count]) => `${String(count)} uploads failed with ${code}`);
  try {
    await checkEveryByte(sent);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  await vault.stop();
  const stored = { dataDir: vault.dataDir, databaseUrl: vault.databaseUrl };
  problems.push(...await auditStoredAfterSweep(stored));
  const counts = await storedCounts(stored);
  const expected = CONFIG.documents + sent.length;
  if (counts.temporary !== 0 || counts.uploads !== 0) problems.push(`${String(counts.temporary)} temporary blobs and ${String(counts.uploads)} live uploads left`);
  if (counts.versions !== expected || counts.published !== expected) problems.push(`${String(counts.versions)} versions and ${String(counts.published)} blobs, expected ${String(expected)}`);
  return { figures, problems, versions: counts.versions };
}

function uploadRows(results: Results, section: string, figures: UploadFigures, problems: readonly string[]): void {
  const failed = [...figures.failures.values()].reduce((sum, count) => sum + count, 0);
  const checked = problems.length === 0 ? 'every document listed, downloaded and decrypted to its bytes; rows and blob folder audit clean (no orphan or temporary blob; on SQLite integrity_check ok)' : `PROBLEMS: ${problems.join('; ')}`;
  results.add({
    section, operation: `${String(figures.count)} concurrent uploads (client core, one vault each)`, value: (figures.count * 1000) / figures.totalMs, unit: 'ops/s',
    target: `${String(figures.count)} with every byte accounted for`,
    note: `uploads/s; ${String(failed)} failed; ${(figures.plaintextBytes / 1e6).toFixed(1)} MB in all (1 B .. 256 KiB each); peak ${String(figures.peakInFlight)} requests in flight; CPU client ${figures.clientCpuSeconds.toFixed(1)} s, server ${figures.serverCpuSeconds.toFixed(1)} s; ${checked}`,
  });
  results.add({ section, operation: `  time until all ${String(figures.count)} are committed`, value: figures.totalMs, unit: 'ms', note: 'from the first call to the last commit answered' });
}

export async function runLoad(results: Results, backend: Backend): Promise<void> {
  const section = `load (${BACKEND_LABEL[backend]})`;
  const [vault, bare] = await Promise.all([startVaultServer(backend), startBareServer()]);
  try {
    const inFlight = new InFlight();
    const seedStart = performance.now();
    const { first, empty } = await seedVaults(vault.url, CONFIG.uploads, randomBytes(4).toString('hex'), inFlight.fetch);
    const documentIds = await fillVault(first, CONFIG.documents);
    console.error(`[bench] load: seeded ${String(CONFIG.documents)} documents and ${String(empty.length)} vaults in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    await measureRoutes(results, section, vault, bare, first, documentIds);
    const { figures, problems } = await measureUploads(vault, empty, inFlight);
    uploadRows(results, section, figures, problems);
    if (problems.length > 0) throw new BenchCheckError(`load uploads: ${problems.join('; ')}`);
  } finally {
    await Promise.all([vault.close(), bare.stop()]);
  }
}
