// Loads libsodium (sumo build: it has Argon2id) once, on demand. The import is dynamic so a bundler puts
// the ~2 MB wasm module in its own chunk and a page that never calls initPrimitives() never fetches it.
//
// Contract: loadSodium() resolves to the ready module, the same instance on every call (concurrent
// callers share one load); sodiumIfLoaded() returns it synchronously once loaded, null before.

import type sodiumModule from 'libsodium-wrappers-sumo';

export type Sodium = typeof sodiumModule;

let loaded: Sodium | null = null;
let loading: Promise<Sodium> | null = null;

export function loadSodium(): Promise<Sodium> {
  loading ??= importAndWait().catch((error: unknown) => {
    loading = null; // a failed load (network, CSP) may be retried
    throw error;
  });
  return loading;
}

export function sodiumIfLoaded(): Sodium | null {
  return loaded;
}

async function importAndWait(): Promise<Sodium> {
  const module = await import('libsodium-wrappers-sumo');
  const sodium = module.default;
  await sodium.ready;
  loaded = sodium;
  return sodium;
}
