// The signed vault manifest as the client sees it: fetched, verified against the head it accepted last
// (ATK-16/17: ROLLBACK, CHAIN_BROKEN), and the next one built and signed for a change. The head lives in a
// small VaultState object that the caller persists between runs (it holds no secret: a sequence and a hash).
//
// The manifest's owner member is `account.bundle`: the account's own bundle for its personal vault, the
// record's identity (role 'vault') for a record managed for someone else, reached through actingAs()
// (managed-vaults.ts). The managers list is carried over unchanged except by a { managers } change.
import { CryptoError } from '../../crypto/errors.ts';
import {
  GENESIS_PREVIOUS_HASH, VAULT_MANIFEST_VERSION, memberOf, signVaultManifest, verifyVaultManifest, vaultManifestHash,
  type VaultHead, type VaultManifest, type VaultMember, type VaultRecord, type VaultShare,
} from '../../crypto/vault-manifest.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { vaultManifestResponseSchema, type VaultManifestUpdate } from '../../shared/vaults.ts';
import type { UnlockedAccount } from './account.ts';
import { request, type ApiClient } from './api.ts';

/** What the client remembers of a vault between runs. Mutated in place when a newer manifest is accepted. */
export interface VaultState {
  head?: VaultHead;
  /** The access-history head this client last verified (client/core/history.ts). */
  history?: VaultHead;
}

/** The head as JSON-friendly text fields, for the caller's storage. */
export interface StoredHead {
  sequence: number;
  hash: string;
}

export function storeHead(head: VaultHead): StoredHead {
  return { sequence: head.sequence, hash: toBase64url(head.hash) };
}

export function loadHead(stored: StoredHead): VaultHead {
  return { sequence: stored.sequence, hash: fromBase64url(stored.hash) };
}

/** The verified current manifest, or null when the vault has none yet; updates state.head. */
export async function fetchVaultManifest(api: ApiClient, account: UnlockedAccount, state: VaultState): Promise<VaultManifest | null> {
  const answer = await request(api, 'GET', `/api/vaults/${account.vaultId}/manifest`, vaultManifestResponseSchema);
  if (answer.manifest === null) {
    // A server that forgets every manifest after we saw one is rolling the vault back.
    if (state.head !== undefined || answer.sequence !== 0) throw new CryptoError('ROLLBACK');
    return null;
  }
  const { manifest, head } = verifyVaultManifest(fromBase64url(answer.manifest), account.bundle.signingPublicKey, state.head);
  if (manifest.vaultId !== account.vaultId || manifest.sequence !== answer.sequence) throw new CryptoError('MANIFEST_MISMATCH');
  state.head = head;
  return manifest;
}

/** A change to the record list (set, add or replace, or remove one document's record), a new share list, or a new managers list. */
export type RecordChange = { set: VaultRecord } | { remove: string } | { shares: VaultShare[] } | { managers: VaultMember[] };

/** The signed successor of `current` (or the first manifest), the head it will have once stored, and its fields. */
export function nextVaultManifest(account: UnlockedAccount, current: VaultManifest | null, state: VaultState, change: RecordChange, now: number): { update: VaultManifestUpdate; head: VaultHead; manifest: VaultManifest } {
  // fetchVaultManifest set state.head to the hash of `current`.
  const previous = current === null ? null : state.head ?? null;
  if (current !== null && previous?.sequence !== current.sequence) throw new RangeError('state.head is not the head of current');
  const removed = 'remove' in change ? change.remove : 'set' in change ? change.set.documentId : undefined;
  const records = (current?.records ?? []).filter((record) => record.documentId !== removed);
  if ('set' in change) records.push(change.set);
  const sequence = (previous?.sequence ?? 0) + 1;
  const fields = {
    vaultId: account.vaultId,
    sequence,
    previousHash: previous?.hash ?? GENESIS_PREVIOUS_HASH,
    owner: memberOf(account.bundle),
    createdAt: now,
    records,
    shares: 'shares' in change ? change.shares : current?.shares ?? [],
    managers: 'managers' in change ? change.managers : current?.managers ?? [],
  };
  const bytes = signVaultManifest(fields, account.identity.signingSeed);
  const manifest: VaultManifest = { ...fields, version: VAULT_MANIFEST_VERSION };
  return { update: { sequence, manifest: toBase64url(bytes) }, head: { sequence, hash: vaultManifestHash(bytes) }, manifest };
}
