// Pinned contact keys (ATK-03). The first bundle seen for an account is pinned (trust on first use,
// verified = false); any later bundle with other keys is KEY_CHANGED until the user compares the new
// fingerprint out of band and re-verifies, which replaces the pin. Pins hold no secret (an account id and
// a keys hash): the web app keeps them in IndexedDB, the CLI in its session file.
import { checkPinned, keysHash, pinContact, type Pin } from '../../crypto/fingerprint.ts';
import type { PublicKeyBundle } from '../../crypto/identity.ts';
import { constantTimeEqual } from '../../crypto/primitives.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';

export interface PinStore {
  get(accountId: string): Promise<Pin | undefined>;
  put(pin: Pin): Promise<void>;
}

/** 'new': pinned just now; 'unverified': pinned before, never compared; 'verified': compared out of band. */
export type PinStatus = 'new' | 'unverified' | 'verified';

/** Pins in a Map, for tests and for callers that persist the whole set themselves (storePin/loadPin). */
export function memoryPinStore(initial: readonly Pin[] = []): PinStore & { all(): Pin[] } {
  const pins = new Map(initial.map((pin) => [pin.accountId, pin]));
  return {
    get: (accountId) => Promise.resolve(pins.get(accountId)),
    put: (pin) => { pins.set(pin.accountId, pin); return Promise.resolve(); },
    all: () => [...pins.values()],
  };
}

/**
 * Accepts `bundle` (already verified with verifyPublicBundle) if it matches the pin, pinning it when the
 * account has none. Throws KEY_CHANGED, and stores nothing, when it names other keys than the pin.
 */
export async function pinOnFirstUse(store: PinStore, bundle: PublicKeyBundle): Promise<{ pin: Pin; status: PinStatus }> {
  const existing = await store.get(bundle.accountId);
  if (existing !== undefined) {
    checkPinned(existing, bundle);
    return { pin: existing, status: existing.verified ? 'verified' : 'unverified' };
  }
  const pin = pinContact(bundle);
  await store.put(pin);
  return { pin, status: 'new' };
}

/** The user compared this bundle's fingerprint with the contact's: pins it as verified, replacing any pin. */
export async function markVerified(store: PinStore, bundle: PublicKeyBundle): Promise<Pin> {
  const pin = pinContact(bundle, { verified: true });
  await store.put(pin);
  return pin;
}

/** True when `bundle` is what the store has pinned (without pinning anything). */
export async function isPinned(store: PinStore, bundle: PublicKeyBundle): Promise<boolean> {
  const pin = await store.get(bundle.accountId);
  return pin !== undefined && constantTimeEqual(pin.keysHash, keysHash(bundle));
}

/** A pin as JSON-friendly fields, for the caller's storage. */
export interface StoredPin {
  accountId: string;
  keysHash: string;
  verified: boolean;
}

export function storePin(pin: Pin): StoredPin {
  return { accountId: pin.accountId, keysHash: toBase64url(pin.keysHash), verified: pin.verified };
}

export function loadPin(stored: StoredPin): Pin {
  return { accountId: stored.accountId, keysHash: fromBase64url(stored.keysHash), verified: stored.verified };
}
