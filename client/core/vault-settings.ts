// The owner's side of the vault settings (SHARING2.md B): documents hidden from practitioners, blocked
// accounts, documents hidden from the main list. The server keeps them sealed (crypto/vault-settings.ts)
// with a sequence; this client remembers the highest sequence it accepted, so a replayed older blob is
// ROLLBACK (ATK-17) and a hidden document cannot quietly become shareable again.
import { CryptoError } from '../../crypto/errors.ts';
import { openVaultSettings, sealVaultSettings, type VaultSettings } from '../../crypto/vault-settings.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { vaultSettingsResponseSchema, type PutVaultSettingsRequest } from '../../shared/vault-settings.ts';
import type { UnlockedAccount } from './account.ts';
import { request, type ApiClient } from './api.ts';

export type { VaultSettings } from '../../crypto/vault-settings.ts';

type SettingsAccount = Pick<UnlockedAccount, 'vaultId' | 'identity'>;

/**
 * What the client remembers of the settings between runs (no secret): the highest sequence accepted.
 * Meant to sit in the caller's VaultState object (VaultState & SettingsState), persisted with it.
 */
export interface SettingsState {
  settingsSequence?: number;
}

/** The settings of a vault that never stored any: sequence 0, nothing hidden or blocked. */
export function emptySettings(): VaultSettings {
  return { sequence: 0, hiddenFromPractitioners: [], blockedAccounts: [], hiddenDocuments: [], records: [] };
}

/** The current settings, opened and checked against the last sequence seen; updates state.settingsSequence. */
export async function fetchVaultSettings(api: ApiClient, account: SettingsAccount, state: SettingsState): Promise<VaultSettings> {
  const answer = await request(api, 'GET', `/api/vaults/${account.vaultId}/settings`, vaultSettingsResponseSchema);
  if (answer.settings === null) {
    // A server that forgets the settings after we saw some is rolling them back (un-hiding, un-blocking).
    if (answer.sequence !== 0 || (state.settingsSequence ?? 0) > 0) throw new CryptoError('ROLLBACK');
    return emptySettings();
  }
  const settings = openVaultSettings(account.identity, account.vaultId, fromBase64url(answer.settings), {
    sequence: answer.sequence, lastSeen: state.settingsSequence,
  });
  state.settingsSequence = settings.sequence;
  return settings;
}

/** The lists of a settings change, without the sequence (the next one is numbered here). */
export type SettingsLists = Omit<VaultSettings, 'sequence'>;

/**
 * Applies `change` to the current settings and stores the result as the next sequence (one GET, one PUT;
 * none when nothing changes). The server's CONFLICT means another client changed them first: call again.
 */
export async function updateVaultSettings(api: ApiClient, account: SettingsAccount, state: SettingsState, change: (current: SettingsLists) => SettingsLists): Promise<VaultSettings> {
  const current = await fetchVaultSettings(api, account, state);
  const lists = normalized(change(current));
  if (sameLists(lists, current)) return current;
  const next: VaultSettings = { ...lists, sequence: current.sequence + 1 };
  const body: PutVaultSettingsRequest = { sequence: next.sequence, settings: toBase64url(sealVaultSettings(account.identity, account.vaultId, next)) };
  await request(api, 'PUT', `/api/vaults/${account.vaultId}/settings`, null, { json: body });
  state.settingsSequence = next.sequence;
  return next;
}

/** `ids` with `add` included and `remove` left out, without duplicates. */
export function editIds(ids: readonly string[], change: { add?: readonly string[]; remove?: readonly string[] }): string[] {
  const removed = new Set(change.remove ?? []);
  return [...new Set([...ids, ...(change.add ?? [])])].filter((id) => !removed.has(id));
}

function normalized(lists: SettingsLists): SettingsLists {
  const sorted = (ids: readonly string[]) => [...new Set(ids)].sort();
  // One entry per record (the last given wins), in id order.
  const records = [...new Map(lists.records.map((record) => [record.vaultId, record])).values()].sort((a, b) => (a.vaultId < b.vaultId ? -1 : 1));
  return {
    hiddenFromPractitioners: sorted(lists.hiddenFromPractitioners), blockedAccounts: sorted(lists.blockedAccounts), hiddenDocuments: sorted(lists.hiddenDocuments), records,
  };
}

function sameLists(a: SettingsLists, b: SettingsLists): boolean {
  return JSON.stringify(normalized(a)) === JSON.stringify(normalized(b));
}
