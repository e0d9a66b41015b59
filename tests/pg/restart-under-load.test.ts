// PostgreSQL stopped and started again while patients upload and list documents (a server of the test's
// own: private-cluster.ts, so the machine's shared server keeps serving the other test files). While it is
// down every request fails cleanly (503 STORAGE_UNAVAILABLE, never a 500, the server process keeps
// running); once it is back the same sessions work again, and nothing committed is lost: every document
// whose commit was answered 201 is listed and reads back byte-exact, and no half document is listed.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDocumentsResponseSchema } from '../../shared/documents.ts';
import { storageFaultOf } from '../../server/storage/storage-fault.ts';
import { call, commitBody, currentSequence, errorCode, newAccount, randomB64, startServer, type TestAccount, type TestServer } from '../integration/harness.ts';
import { startPrivateCluster, type PrivateCluster } from './private-cluster.ts';

const PATIENTS = 6;
const LOAD_BEFORE_MS = 1_500;
const OUTAGE_MS = 2_000;
const LOAD_AFTER_MS = 2_500;

let cluster: PrivateCluster;
let server: TestServer;
const reported: unknown[] = [];

beforeAll(async () => {
  cluster = await startPrivateCluster();
  server = await startServer({ reportError: (error) => { reported.push(error); } }, undefined, undefined, cluster.url);
});

afterAll(async () => {
  try {
    await server.close();
  } finally {
    cluster.remove();
  }
});

interface Outcome {
  /** Answered 201: must be listed and read back. */
  committed: Map<string, Uint8Array>;
  /** Commit not answered (503): listed or not, but whole if listed. */
  unsure: Map<string, Uint8Array>;
  /** "METHOD route → status code" of every answer that is neither a success nor a clean refusal. */
  unexpected: string[];
  unavailable: number;
  successes: number;
}

/** One patient adding small documents, one after the other, until `stop()` says so. */
async function uploadLoop(account: TestAccount, stop: () => boolean, outcome: Outcome): Promise<void> {
  const vault = `/api/vaults/${account.vaultId}`;
  const answer = async (label: string, response: Response, expected: number[]): Promise<boolean> => {
    if (expected.includes(response.status)) {
      outcome.successes += 1;
      return true;
    }
    const code = await errorCode(response);
    if (response.status === 503 && code === 'STORAGE_UNAVAILABLE') outcome.unavailable += 1;
    else outcome.unexpected.push(`${label} → ${String(response.status)} ${code}`);
    await sleep(50);
    return false;
  };
  while (!stop()) {
    const payload = new Uint8Array(randomBytes(1 + Math.floor(Math.random() * 4096)));
    const begun = await call(server, 'POST', `${vault}/uploads`, { token: account.token, json: { size: payload.length } });
    if (!await answer('begin upload', begun, [201])) continue;
    const { uploadId } = (await begun.json()) as { uploadId: string };
    const put = await call(server, 'PUT', `${vault}/uploads/${uploadId}`, {
      token: account.token, body: payload, headers: { 'content-type': 'application/octet-stream', 'content-range': `bytes 0-${String(payload.length - 1)}/${String(payload.length)}` },
    });
    if (!await answer('chunk', put, [200])) continue;
    const manifest = await call(server, 'GET', `${vault}/manifest`, { token: account.token });
    if (!await answer('manifest', manifest, [200])) continue;
    const { sequence } = (await manifest.json()) as { sequence: number };
    const documentId = randomB64(16);
    const commit = await call(server, 'POST', `${vault}/uploads/${uploadId}/commit`, { token: account.token, json: commitBody(documentId, 1, sequence + 1) });
    if (await answer('commit', commit, [201])) outcome.committed.set(documentId, payload);
    else if (commit.status === 503) outcome.unsure.set(documentId, payload);
    const list = await call(server, 'GET', `${vault}/documents?limit=5`, { token: account.token });
    await answer('list', list, [200]);
  }
}

async function listedIds(account: TestAccount): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${cursor}`;
    const response = await call(server, 'GET', `/api/vaults/${account.vaultId}/documents?limit=200${query}`, { token: account.token });
    expect(response.status).toBe(200);
    const page = listDocumentsResponseSchema.parse(await response.json());
    ids.push(...page.documents.map((document) => document.documentId));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

describe('PostgreSQL restarted under load', () => {
  it('fails requests cleanly while it is down, then serves the same sessions with nothing lost', async () => {
    const patients = [];
    for (let i = 0; i < PATIENTS; i += 1) patients.push(await newAccount(server, `restart-${String(i)}`));
    const outcomes = patients.map((): Outcome => ({ committed: new Map(), unsure: new Map(), unexpected: [], unavailable: 0, successes: 0 }));
    let stopped = false;
    const loops = patients.map((patient, i) => uploadLoop(patient, () => stopped, outcomes[i]!));

    await sleep(LOAD_BEFORE_MS);
    const beforeOutage = outcomes.reduce((sum, outcome) => sum + outcome.successes, 0);
    cluster.stop();
    await sleep(OUTAGE_MS);
    cluster.start();
    const atRestart = outcomes.reduce((sum, outcome) => sum + outcome.successes, 0);
    await sleep(LOAD_AFTER_MS);
    stopped = true;
    await Promise.all(loops);
    const atEnd = outcomes.reduce((sum, outcome) => sum + outcome.successes, 0);

    const unavailable = outcomes.reduce((sum, outcome) => sum + outcome.unavailable, 0);
    console.info(`[restart] ${String(atRestart)} answers before the restart, ${String(atEnd - atRestart)} after it, ${String(unavailable)} refused with 503 while PostgreSQL was down`);
    const bugs = reported.filter((error) => storageFaultOf(error) !== 'unavailable');
    expect(bugs.map((error) => (error instanceof Error ? `${error.name}: ${error.message} ${String((error.cause as Error | undefined)?.message)}` : String(error)))).toEqual([]);
    expect(outcomes.flatMap((outcome) => outcome.unexpected)).toEqual([]);
    expect(beforeOutage).toBeGreaterThan(0);
    expect(unavailable).toBeGreaterThan(0);
    expect(atEnd).toBeGreaterThan(atRestart);

    for (const [i, patient] of patients.entries()) {
      const outcome = outcomes[i]!;
      // The session opened before the restart still serves, and a new document commits.
      expect(await currentSequence(server, patient)).toBeGreaterThan(0);
      const listed = await listedIds(patient);
      for (const id of outcome.committed.keys()) expect(listed).toContain(id);
      for (const id of listed) {
        const expected = outcome.committed.get(id) ?? outcome.unsure.get(id);
        expect(expected, `a listed document ${id} was never sent`).toBeDefined();
        const payload = await call(server, 'GET', `/api/vaults/${patient.vaultId}/documents/${id}/versions/1/payload`, { token: patient.token });
        expect(payload.status).toBe(200);
        expect(Buffer.from(await payload.arrayBuffer()).equals(Buffer.from(expected!))).toBe(true);
      }
    }
  });
});
