// Shared fixtures for the identity, envelope and manifest tests: identities, their signed bundles, and
// helpers to mutate bytes and assert typed errors.
import { concatParts } from '../../crypto/bytes.ts';
import { expect } from 'vitest';
import { envelopeOpener, type EnvelopeOpener } from '../../crypto/envelope.ts';
import { isCryptoError, type CryptoErrorCode } from '../../crypto/errors.ts';
import { generateIdentity, signPublicBundle, verifyPublicBundle, type IdentityRole, type IdentitySecrets, type PublicKeyBundle } from '../../crypto/identity.ts';

export interface TestIdentity {
  secrets: IdentitySecrets;
  bundleBytes: Uint8Array;
  bundle: PublicKeyBundle;
  opener: EnvelopeOpener;
}

export function makeIdentity(accountId: string, role: IdentityRole = 'patient', createdAt = 1_790_000_000_000): TestIdentity {
  const secrets = generateIdentity();
  const bundleBytes = signPublicBundle(secrets, { accountId, role, createdAt });
  return { secrets, bundleBytes, bundle: verifyPublicBundle(bundleBytes), opener: envelopeOpener(secrets.kemSeed) };
}

/** A copy of `bytes` with `mask` xored into byte `index`. */
export function flip(bytes: Uint8Array, index: number, mask = 0x01): Uint8Array {
  const copy = bytes.slice();
  copy[index] = copy[index]! ^ mask;
  return copy;
}

/** The CryptoError code `fn` throws; fails the test when it returns or throws anything else. */
export function codeOf(fn: () => unknown): CryptoErrorCode {
  try {
    fn();
  } catch (error) {
    if (isCryptoError(error)) return error.code;
    throw error;
  }
  expect.fail('expected a CryptoError, but the call succeeded');
}

export function expectCode(fn: () => unknown, code: CryptoErrorCode): void {
  expect(codeOf(fn)).toBe(code);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return concatParts(parts);
}
