// Fuzzing every route of the real app (issue 6): generated and mutated bodies, headers, ids, lengths and
// encodings, with and without a session; then, field by field, the valid request with one value PostgreSQL
// is stricter about (a NUL, a text past an index entry, an integer past int4). On the run's engine (the
// "postgres" project of vitest.config.ts runs it on PostgreSQL). Whatever arrives: no 5xx, a refusal is
// { error: { code } } with its status, and a refusal writes nothing (invariants.ts); a 5xx shows what the
// server reported (a PostgreSQL error's SQLSTATE among it). Seeded: FUZZ_SEED and FUZZ_RUNS replay or
// widen a run (fast-check prints the seed and the shrunk counterexample of a failure); FUZZ_STATS=1
// prints the answers seen per route.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ORIGIN, randomB64 } from '../integration/harness.ts';
import { TEST_ENGINE } from '../integration/test-engine.ts';
import { fuzzCaseFor, pseudoRandomText, VALID, type FuzzCase } from './arbitraries.ts';
import { buildRequest, encodeSegment, leavesOf, templateOf } from './build-request.ts';
import { violations } from './invariants.ts';
import { ROUTES, routeKey, validChunk, type RouteSpec } from './route-table.ts';
import { changedParts, fingerprint } from './fingerprint.ts';
import { clearReported, describeReported, disposeWorld, manifestSequenceOf, restoreWorld, seedWorld, type World } from './world.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_129);
// On PostgreSQL half the random runs, each request's fingerprint costing more there; the sweep of odd values
// in every field, which is what finds an engine's own refusals, runs whole on both.
const RUNS = Number(process.env.FUZZ_RUNS ?? (TEST_ENGINE === 'postgres' ? 40 : 80));
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

let requests = 0;
/** Answers seen, by route: how deep the generated requests reach. */
const seen = new Map<string, Map<string, number>>();

function count(route: RouteSpec, answer: string): void {
  const counts = seen.get(routeKey(route)) ?? new Map<string, number>();
  counts.set(answer, (counts.get(answer) ?? 0) + 1);
  seen.set(routeKey(route), counts);
}

/** Sends one fuzzed request; returns the problems found and whether it used the world up. */
async function probe(world: World, route: RouteSpec, fuzz: FuzzCase): Promise<{ problems: string[]; spent: boolean; summary: string }> {
  const built = await buildRequest(world, route, fuzz);
  const before = await fingerprint(world);
  clearReported(world);
  const response = await world.server.app.request(built.request);
  const text = await response.text();
  const after = await fingerprint(world);
  requests += 1;
  count(route, response.status >= 400 && built.method !== 'HEAD' ? `${String(response.status)} ${text}` : String(response.status));
  const problems = violations({ route, fuzz, method: built.method, target: built.target, status: response.status, text, before, after });
  const spent = response.status < 400 && !SAFE.has(built.method) && !(fuzz.method === null && route.keepsWorld === true);
  const reported = world.reported.length > 0 ? `\n  the server reported: ${describeReported(world)}` : '';
  return { problems, spent, summary: `${built.method} ${built.target.slice(0, 200)} -> ${String(response.status)} ${text.slice(0, 120)}${reported}` };
}

/**
 * Values one engine takes where the other may not (PostgreSQL refuses a NUL in text, an index entry past
 * about 2.7 kB, an integer past its integer or bigint): each in turn in every JSON leaf, path parameter and
 * query value of a route's valid request, the rest of it valid.
 */
const ODD_JSON: unknown[] = ['a\u0000b', pseudoRandomText(3_000, 1), 2 ** 31, -(2 ** 31) - 1, 2 ** 63];
const ODD_TEXT = ['a\u0000b', pseudoRandomText(3_000, 2), '2147483648', '-2147483649', '9223372036854775808'];

/** What an odd value looks like in a message: short, its length when long. */
function shown(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 12)}… (${String(text.length)} chars)` : text;
}

async function oddCases(world: World, route: RouteSpec): Promise<{ fuzz: FuzzCase; label: string }[]> {
  const leaves = route.body === 'json' ? leavesOf(await templateOf(world, route)) : [];
  const body = leaves.flatMap(({ target, path }) => ODD_JSON.map((value) => ({
    fuzz: { ...VALID, body: { kind: 'mutated' as const, mutation: { target, op: { kind: 'replace' as const, value } }, encoding: 'utf-8' as const } },
    label: `body ${path} = ${shown(value)}`,
  })));
  const params = Object.keys(route.params(world)).flatMap((name, index) => ODD_TEXT.map((value) => ({
    fuzz: { ...VALID, path: { kind: 'param' as const, index, value, encode: true } }, label: `path :${name} = ${shown(value)}`,
  })));
  const queryNames = route.query === undefined ? [] : [...new URLSearchParams(route.query).keys()];
  const query = queryNames.flatMap((name, index) => ODD_TEXT.map((value) => ({
    fuzz: { ...VALID, query: { kind: 'param' as const, index, value, encode: true } }, label: `query ${name} = ${shown(value)}`,
  })));
  return [...body, ...params, ...query];
}

describe('fuzzing every route', () => {
  let world: World;
  beforeAll(async () => {
    world = await seedWorld();
  });
  afterAll(async () => {
    await disposeWorld(world);
    console.info(`fuzz: ${String(requests)} requests, seed ${String(SEED)}, ${String(RUNS)} runs per route`);
    if (process.env.FUZZ_STATS !== undefined) for (const [route, counts] of seen) console.info(route, Object.fromEntries(counts));
  });

  it('covers every route the app declares', () => {
    const declared = new Set(world.server.app.routes.filter((route) => route.method !== 'ALL').map(routeKey));
    expect([...declared].sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it('sees a write in the database and in the blob store, no change from a read, and restores the seeded state', async () => {
    await restoreWorld(world);
    const start = await fingerprint(world);
    expect((await call(world.server, 'GET', '/api/vaults', { token: world.alice.token })).status).toBe(200);
    expect(changedParts(start, await fingerprint(world))).toEqual([]);
    const manifest = { vaultManifest: { sequence: (await manifestSequenceOf(world, world.alice)) + 1, manifest: randomB64(10) } };
    expect((await call(world.server, 'PUT', `/api/vaults/${world.alice.vaultId}/manifest`, { token: world.alice.token, json: manifest })).status).toBe(204);
    expect(changedParts(start, await fingerprint(world))).toEqual(['vaults']);
    const beforeChunk = await fingerprint(world);
    const chunk = await validChunk(world);
    const path = `/api/vaults/${world.alice.vaultId}/uploads/${world.partialUploadId}`;
    expect((await call(world.server, 'PUT', path, { token: world.alice.token, body: chunk.bytes, headers: { 'content-range': chunk.contentRange } })).status).toBe(200);
    expect(changedParts(beforeChunk, await fingerprint(world))).toEqual(['uploads', 'blobs']);
    await restoreWorld(world);
    expect(changedParts(start, await fingerprint(world))).toEqual([]);
    expect((await call(world.server, 'GET', '/api/sessions/current', { token: world.alice.token })).status).toBe(200);
  });

  ROUTES.forEach((route, index) => {
    it(`${route.method} ${route.path}: no 5xx, a refusal is a known code and writes nothing`, async () => {
      await restoreWorld(world);
      const property = fc.asyncProperty(fuzzCaseFor(route.body !== 'none', route.query !== undefined), async (fuzz) => {
        const { problems, spent, summary } = await probe(world, route, fuzz);
        if (spent) await restoreWorld(world);
        if (problems.length > 0) throw new Error(`${problems.join('; ')}\n  ${summary}`);
      });
      await fc.assert(property, { numRuns: RUNS, seed: SEED + index });
    });
  });

  ROUTES.forEach((route) => {
    it(`${route.method} ${route.path}: a NUL, a long text or a big integer in any field is no 5xx, and refused writes nothing`, async () => {
      await restoreWorld(world);
      const problems: string[] = [];
      for (const { fuzz, label } of await oddCases(world, route)) {
        const probed = await probe(world, route, fuzz);
        if (probed.spent) await restoreWorld(world);
        if (probed.problems.length > 0) problems.push(`${label}: ${probed.problems.join('; ')}\n  ${probed.summary}`);
      }
      expect(problems).toEqual([]);
    });
  });

  it('a path no route declares is 404 NOT_FOUND for every method, and writes nothing', async () => {
    await restoreWorld(world);
    const prefix = fc.constantFrom('/', '/api/', '/api/accounts/', '/api/sessions/', '/api/vaults/VAULT/', '/api/vaults/VAULT/documents/DOC/versions/1/', '/api/health/');
    const segment = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('..', '%00', '%ZZ', '%2F', 'A'.repeat(5000)));
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');
    const property = fc.asyncProperty(prefix, segment, method, async (start, text, verb) => {
      const path = `${start.replace('VAULT', world.alice.vaultId).replace('DOC', world.documentId)}zz-${encodeSegment(text)}`;
      const before = await fingerprint(world);
      const response = await world.server.app.request(new Request(`${ORIGIN}${path}`, { method: verb, headers: { authorization: `Bearer ${world.alice.token}` } }));
      const body: unknown = verb === 'HEAD' ? null : await response.json();
      requests += 1;
      expect({ status: response.status, body }).toEqual({ status: 404, body: verb === 'HEAD' ? null : { error: { code: 'NOT_FOUND' } } });
      expect(changedParts(before, await fingerprint(world))).toEqual([]);
    });
    await fc.assert(property, { numRuns: RUNS * 2, seed: SEED - 1 });
  });
});
