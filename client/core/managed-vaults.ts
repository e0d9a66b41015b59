// Records a person keeps for someone else (a child, a dependent parent): each has its own identity (a
// public bundle with role 'vault' whose account id is the vault id), its seeds sealed for every manager by
// the record's own key, and a name only its managers read (SHARING2.md C). Here: listing them with every
// check, creating one, and actingAs(), which lets every owner operation of client/core run on a record.
import { envelopeOpener, openVaultKeys, sealVaultKeys } from '../../crypto/envelope.ts';
import { CryptoError, isCryptoError } from '../../crypto/errors.ts';
import { generateIdentity, signPublicBundle, verifyPublicBundle, type IdentitySecrets, type PublicKeyBundle } from '../../crypto/identity.ts';
import { keysHash } from '../../crypto/fingerprint.ts';
import { constantTimeEqual, randomBytes } from '../../crypto/primitives.ts';
import type { RecordPin } from '../../crypto/vault-settings.ts';
import { openVaultLabel, sealVaultLabel } from '../../crypto/vault-label.ts';
import { memberOf } from '../../crypto/vault-manifest.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { createManagedVaultResponseSchema, type CreateManagedVaultRequest } from '../../shared/managed-vaults.ts';
import { listVaultsResponseSchema, type VaultSummary } from '../../shared/vaults.ts';
import type { UnlockedAccount } from './account.ts';
import { isApiClientError, request, type ApiClient } from './api.ts';
import { markVerified, pinOnFirstUse, type PinStatus, type PinStore } from './pins.ts';
import { nextVaultManifest, type VaultState } from './vault.ts';
import { fetchVaultSettings, updateVaultSettings, type SettingsState } from './vault-settings.ts';
import { verifiedBundle } from './bundles.ts';

/** A record this account manages, verified and opened. `identity` lives only in memory (forgetRecordKeys). */
export interface ManagedRecord {
  vaultId: string;
  /** The record's name, as its creator sealed it ("Léa"). */
  label: string;
  /** The record's own bundle (role 'vault', accountId = vaultId), equal to its pin. */
  bundle: PublicKeyBundle;
  /** The record's seeds, opened from this manager's envelope. */
  identity: IdentitySecrets;
  /** 'new': first seen on this device (pinned now); otherwise as pinned before. */
  pinStatus: PinStatus;
  /** This manager's dates, as the server enforces them (not signed). */
  startsAt: number | null;
  endsAt: number | null;
  manifestSequence: number;
}

export interface VaultList {
  own: { vaultId: string; manifestSequence: number };
  records: ManagedRecord[];
  /** Records that failed a check (KEY_CHANGED, KEY_BUNDLE_INVALID, NO_MATCH, …): never opened, shown apart. */
  refused: { vaultId: string; code: string }[];
}

/**
 * The personal vault and every record this account manages. Each record's bundle must be self-signed,
 * role 'vault', named by its vault id and equal to its pin (KEY_CHANGED otherwise; pinned on first sight
 * on a device that has none); its seeds come from an envelope only the record's own key may sign
 * (openVaultKeys: SIGNER_NOT_ALLOWED for one the server sealed, ATK-05) and must give that bundle's keys.
 * Last, the record must be one this person created or joined: in the record list of their own sealed
 * settings, with the same keys hash (KEY_CHANGED otherwise). A record the server made up, with its own
 * seeds sealed for us, would pass every other check; it is RECORD_UNEXPECTED on every device. A record
 * pinned as verified on this device (created or joined here) and not yet in the list is added to it.
 */
export async function listVaults(api: ApiClient, account: UnlockedAccount, pins: PinStore, ownSettings: SettingsState): Promise<VaultList> {
  const { vaults } = await request(api, 'GET', '/api/vaults', listVaultsResponseSchema);
  const own = vaults.find((entry) => entry.role === 'owner');
  if (own === undefined) throw new CryptoError('RECORD_MISSING');
  const list: VaultList = { own: { vaultId: own.vaultId, manifestSequence: own.manifestSequence }, records: [], refused: [] };
  const summaries = vaults.filter((entry) => entry.role === 'manager');
  const known = summaries.length === 0 ? [] : (await fetchVaultSettings(api, account, ownSettings)).records;
  const adopted: RecordPin[] = [];
  for (const summary of summaries) {
    try {
      const record = await openRecord(account, pins, summary);
      const verdict = knownRecord(record, known);
      if (verdict !== 'known' && verdict !== 'adopt') {
        forgetRecordKeys([record]);
        throw new CryptoError(verdict);
      }
      if (verdict === 'adopt') adopted.push({ vaultId: record.vaultId, keysHash: keysHash(record.bundle) });
      list.records.push(record);
    } catch (error) {
      if (!isCryptoError(error)) throw error;
      list.refused.push({ vaultId: summary.vaultId, code: error.code });
    }
  }
  if (adopted.length > 0) {
    // Another device changing the settings at the same moment (CONFLICT) only delays this to the next listing.
    await updateVaultSettings(api, account, ownSettings, (current) => ({ ...current, records: [...current.records, ...adopted] }))
      .catch((error: unknown) => { if (!isApiClientError(error, 'CONFLICT')) throw error; });
  }
  return list;
}

/** 'known': in the sealed list; 'adopt': created or joined on this device, not yet listed; else why refused. */
function knownRecord(record: ManagedRecord, known: readonly RecordPin[]): 'known' | 'adopt' | 'KEY_CHANGED' | 'RECORD_UNEXPECTED' {
  const entry = known.find((pin) => pin.vaultId === record.vaultId);
  if (entry !== undefined) return constantTimeEqual(entry.keysHash, keysHash(record.bundle)) ? 'known' : 'KEY_CHANGED';
  return record.pinStatus === 'verified' ? 'adopt' : 'RECORD_UNEXPECTED';
}

/**
 * The account acting as the record's owner: every owner operation of client/core (uploadDocument,
 * openVault, listDocuments, downloadDocument, deleteDocument, shareWith, updateShare, revokeShare,
 * accessHistory) runs on it unchanged. vaultId, identity and bundle are the record's: the record's key
 * signs vault manifests, document manifests, grant lists and history checkpoints, and files and grant keys
 * are sealed for it, so every manager opens them. accountId and role stay the person's: the session is
 * theirs, a document manifest names them as its author (a claim: the signature is the record's, which every
 * manager can make), and sharing with oneself stays refused.
 */
export function actingAs(account: UnlockedAccount, record: ManagedRecord): UnlockedAccount {
  return { accountId: account.accountId, role: account.role, vaultId: record.vaultId, identity: record.identity, bundle: record.bundle };
}

/**
 * Creates a record named `label` in one POST: a fresh identity, its bundle (role 'vault'), its seeds sealed
 * for this account, the sealed name, and vault manifest 1 with the record as owner and this account as its
 * only manager. The bundle is pinned as verified (we made it). Returns the opened record and its state.
 */
export async function createRecord(api: ApiClient, account: UnlockedAccount, pins: PinStore, label: string): Promise<{ record: ManagedRecord; state: VaultState }> {
  const vaultId = toBase64url(randomBytes(16));
  const identity = generateIdentity();
  const bundleBytes = signPublicBundle(identity, { accountId: vaultId, role: 'vault', createdAt: Date.now() });
  const bundle = verifyPublicBundle(bundleBytes);
  const record: ManagedRecord = { vaultId, label, bundle, identity, pinStatus: 'verified', startsAt: null, endsAt: null, manifestSequence: 1 };
  const state: VaultState = {};
  const first = nextVaultManifest(actingAs(account, record), null, state, { managers: [memberOf(account.bundle)] }, Date.now());
  const body: CreateManagedVaultRequest = {
    vaultId,
    publicBundle: toBase64url(bundleBytes),
    managerEnvelope: toBase64url(sealVaultKeys(identity, vaultId, account.bundle.encryptionPublicKey)),
    label: toBase64url(sealVaultLabel(identity, vaultId, label)),
    vaultManifest: first.update,
  };
  await request(api, 'POST', '/api/vaults', createManagedVaultResponseSchema, { json: body });
  await markVerified(pins, bundle);
  state.head = first.head;
  return { record, state };
}

/** Overwrites the records' seeds with zeros (log-out, locking). */
export function forgetRecordKeys(records: readonly Pick<ManagedRecord, 'identity'>[]): void {
  for (const record of records) {
    record.identity.signingSeed.fill(0);
    record.identity.kemSeed.fill(0);
  }
}

/** The record's bundle checked and pinned, its seeds opened, its name opened. */
async function openRecord(account: UnlockedAccount, pins: PinStore, summary: VaultSummary): Promise<ManagedRecord> {
  if (summary.publicBundle === null || summary.managerEnvelope === null || summary.label === null) throw new CryptoError('FORMAT_INVALID');
  const bundle = recordBundle(fromBase64url(summary.publicBundle), summary.vaultId);
  const identity = openVaultKeys(fromBase64url(summary.managerEnvelope), bundle, envelopeOpener(account.identity.kemSeed));
  if (identity === null) throw new CryptoError('NO_MATCH');
  try {
    const label = openVaultLabel(identity, summary.vaultId, fromBase64url(summary.label));
    // Pinned only once everything opened: a bundle whose envelope or name fails never becomes the pin.
    const { status } = await pinOnFirstUse(pins, bundle);
    return { vaultId: summary.vaultId, label, bundle, identity, pinStatus: status, startsAt: summary.startsAt, endsAt: summary.endsAt, manifestSequence: summary.manifestSequence };
  } catch (error) {
    forgetRecordKeys([{ identity }]);
    throw error;
  }
}

/** A record's self-signed bundle: role 'vault', named by its vault id; KEY_BUNDLE_INVALID otherwise. */
export function recordBundle(bytes: Uint8Array, vaultId: string): PublicKeyBundle {
  const bundle = verifiedBundle(bytes);
  if (bundle.role !== 'vault' || bundle.accountId !== vaultId) throw new CryptoError('KEY_BUNDLE_INVALID');
  return bundle;
}
