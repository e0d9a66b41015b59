// The practitioner directory: search, one practitioner's entry with their self-signed key bundle (checked
// here: it must verify, name the same account and say 'practitioner'), and publishing one's own profile.
// The fingerprint shown next to an entry is what the patient compares at the consultation (ATK-03).
import { CryptoError } from '../../crypto/errors.ts';
import { fingerprintNumber, fingerprintQrPayload } from '../../crypto/fingerprint.ts';
import type { PublicKeyBundle } from '../../crypto/identity.ts';
import { fromBase64url } from '../../shared/binary.ts';
import {
  practitionerResponseSchema, searchPractitionersResponseSchema, type PractitionerEntry, type PractitionerProfile,
} from '../../shared/practitioners.ts';
import { request, type ApiClient } from './api.ts';
import { verifiedBundle } from './bundles.ts';

export interface Practitioner {
  entry: PractitionerEntry;
  /** Verified, this account's, role 'practitioner'. Pin it (pins.ts) before sealing anything for it. */
  bundle: PublicKeyBundle;
  /** 8 groups of 5 digits to read aloud. */
  fingerprint: string;
  /** The QR code text the practitioner's own app shows. */
  qrPayload: string;
}

/** Directory entries matching every word of `query` (an empty query finds nobody). */
export async function searchPractitioners(api: ApiClient, query: string, limit?: number): Promise<PractitionerEntry[]> {
  if (query.trim() === '') return [];
  const params = new URLSearchParams({ q: query });
  if (limit !== undefined) params.set('limit', String(limit));
  const answer = await request(api, 'GET', `/api/practitioners?${params.toString()}`, searchPractitionersResponseSchema);
  return answer.practitioners;
}

/** One practitioner with a bundle checked against the entry: KEY_BUNDLE_INVALID for anything else. */
export async function fetchPractitioner(api: ApiClient, accountId: string): Promise<Practitioner> {
  const answer = await request(api, 'GET', `/api/practitioners/${encodeURIComponent(accountId)}`, practitionerResponseSchema);
  const bundle = practitionerBundle(fromBase64url(answer.publicBundle), accountId);
  if (answer.practitioner.accountId !== accountId) throw new CryptoError('KEY_BUNDLE_INVALID');
  return { entry: answer.practitioner, bundle, fingerprint: fingerprintNumber(bundle), qrPayload: fingerprintQrPayload(bundle) };
}

/** A practitioner publishes (or replaces) their directory entry. NOT_A_PRACTITIONER for a patient account. */
export async function publishPractitionerProfile(api: ApiClient, profile: PractitionerProfile): Promise<void> {
  await request(api, 'PUT', '/api/accounts/me/practitioner-profile', null, { json: profile });
}

/** A self-signed bundle of `accountId` with role practitioner; every failure is KEY_BUNDLE_INVALID. */
export function practitionerBundle(bytes: Uint8Array, accountId: string): PublicKeyBundle {
  const bundle = verifiedBundle(bytes);
  if (bundle.accountId !== accountId || bundle.role !== 'practitioner') throw new CryptoError('KEY_BUNDLE_INVALID');
  return bundle;
}
