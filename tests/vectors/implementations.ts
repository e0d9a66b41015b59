// Runs a vector suite once per implementation path of crypto/primitives.ts, so that noble (before
// initPrimitives resolves) and libsodium (after) are pinned to the same accept/reject decisions.
import { expect } from 'vitest';
import {
  initPrimitives,
  primitivesImplementation,
  testOnlyForceNoble,
  type PrimitivesImplementation,
} from '../../crypto/primitives.ts';

export const IMPLEMENTATIONS: readonly PrimitivesImplementation[] = ['noble', 'libsodium'];

export async function useImplementation(implementation: PrimitivesImplementation): Promise<void> {
  await initPrimitives();
  testOnlyForceNoble(implementation === 'noble');
  expect(primitivesImplementation()).toBe(implementation);
}

export function restoreDefaultImplementation(): void {
  testOnlyForceNoble(false);
}
