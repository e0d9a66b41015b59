// The Worker's side of the practitioner directory: one's own fingerprint, one's own profile, search, and a
// practitioner's entry with the pin of their keys (ATK-03: pinned on first use, KEY_CHANGED reported as
// 'changed' so the page blocks sharing until the patient compares the fingerprint again).
import { fingerprintNumber, fingerprintQrPayload } from '../../crypto/fingerprint.ts';
import { CryptoError, isCryptoError } from '../../crypto/errors.ts';
import type { UnlockedAccount } from '../core/account.ts';
import { isApiClientError, type ApiClient } from '../core/api.ts';
import { markVerified, pinOnFirstUse, type PinStore } from '../core/pins.ts';
import { fetchPractitioner, type Practitioner } from '../core/practitioners.ts';
import type { PractitionerEntry } from '../../shared/practitioners.ts';
import type { ContactView, FingerprintView, PinState } from './protocol.ts';

export function ownFingerprint(account: UnlockedAccount): FingerprintView {
  return { number: fingerprintNumber(account.bundle), qrPayload: fingerprintQrPayload(account.bundle) };
}

/** The account's own directory entry, or null before it published one. */
export async function ownProfile(api: ApiClient, account: UnlockedAccount): Promise<PractitionerEntry | null> {
  try {
    return (await fetchPractitioner(api, account.accountId)).entry;
  } catch (error) {
    if (isApiClientError(error, 'NOT_FOUND')) return null;
    throw error;
  }
}

/** The practitioner's entry and current fingerprint; pins the keys when none are pinned yet. */
export async function contact(api: ApiClient, pins: PinStore, accountId: string): Promise<ContactView> {
  const practitioner = await fetchPractitioner(api, accountId);
  let pin: PinState;
  try {
    const { status } = await pinOnFirstUse(pins, practitioner.bundle);
    pin = status === 'verified' ? 'verified' : 'unverified';
  } catch (error) {
    if (!isCryptoError(error) || error.code !== 'KEY_CHANGED') throw error;
    pin = 'changed';
  }
  return viewOf(practitioner, pin);
}

/**
 * The patient compared the fingerprint shown (`shownQrPayload`): those keys become the verified pin. If the
 * server now serves other keys than the ones shown, nothing is pinned: KEY_CHANGED.
 */
export async function verifyContact(api: ApiClient, pins: PinStore, accountId: string, shownQrPayload: string): Promise<ContactView> {
  const practitioner = await fetchPractitioner(api, accountId);
  if (practitioner.qrPayload !== shownQrPayload) throw new CryptoError('KEY_CHANGED');
  await markVerified(pins, practitioner.bundle);
  return viewOf(practitioner, 'verified');
}

function viewOf(practitioner: Practitioner, pin: PinState): ContactView {
  return { entry: practitioner.entry, fingerprint: { number: practitioner.fingerprint, qrPayload: practitioner.qrPayload }, pin };
}
