// Regression from the fuzzer: a JSON body whose stream fails while it is read (the client went away
// mid-body, no Content-Length) was a 500 INTERNAL from the body-limit middleware. It is 400 BAD_REQUEST,
// like any body that is not whole JSON, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN } from '../integration/harness.ts';
import { changedParts, fingerprint } from './fingerprint.ts';
import { fillPath, ROUTES } from './route-table.ts';
import { disposeWorld, seedWorld, type World } from './world.ts';

let world: World;
beforeAll(async () => {
  world = await seedWorld();
});
afterAll(() => disposeWorld(world));

function failingStream(prefix: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      if (prefix !== '') controller.enqueue(new TextEncoder().encode(prefix));
      controller.error(new Error('connection reset'));
    },
  });
}

const jsonRoutes = ROUTES.filter((route) => route.body === 'json');

describe('a JSON body that fails mid-stream', () => {
  it.each(jsonRoutes.flatMap((route) => ['', '{"accountId":"al'].map((prefix) => ({ route, prefix, name: `${route.method} ${route.path} after ${String(prefix.length)} bytes` }))))(
    '$name is 400 BAD_REQUEST and writes nothing',
    async ({ route, prefix }) => {
      const before = await fingerprint(world);
      const init = {
        method: route.method,
        headers: { authorization: `Bearer ${world.alice.token}`, 'content-type': 'application/json' },
        body: failingStream(prefix),
        duplex: 'half',
      } as RequestInit;
      const response = await world.server.app.request(new Request(`${ORIGIN}${fillPath(route.path, route.params(world))}`, init));
      expect({ status: response.status, body: (await response.json()) as unknown }).toEqual({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
      expect(changedParts(before, await fingerprint(world))).toEqual([]);
    },
  );
});
