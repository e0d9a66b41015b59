// Who manages a record of a relative (SHARING2.md C): invitations, adding a caregiver, removing one,
// leaving; and share invitations (SHARING3.md), through which a relative's key reaches a patient who then
// shares read-only with them (relatives are not in the directory). Every function but acceptInvite takes
// `acting` = actingAs(account, record) (managed-vaults.ts), or the account itself for its personal vault.
// The invitation code travels out of band; from it the invitee proves it holds the code with an HMAC over
// its own bundle, and learns a prefix of the vault owner's keys hash. The server never sees the secret, so
// it can neither slip its own key to the inviter (the proof fails: ATK-03) nor hand the invitee an owner of
// its own making (the prefix differs).
import { sealVaultKeys } from '../../crypto/envelope.ts';
import { CryptoError, isCryptoError } from '../../crypto/errors.ts';
import { fingerprintNumber, keysHash } from '../../crypto/fingerprint.ts';
import { signPublicBundle, type PublicKeyBundle } from '../../crypto/identity.ts';
import {
  checkInviteProof, formatInviteCode, inviteProof, inviteSecret, matchesKeysHashPrefix, parseInviteCode,
} from '../../crypto/invite.ts';
import { constantTimeEqual, randomBytes } from '../../crypto/primitives.ts';
import { assertRecipientsAllowed, memberOf } from '../../crypto/vault-manifest.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import {
  acceptInviteResponseSchema, listInvitesResponseSchema, listManagersResponseSchema, MAX_INVITE_LIFETIME_MS,
  type AddManagerRequest, type Invite, type InvitePurpose,
} from '../../shared/managed-vaults.ts';
import type { UnlockedAccount } from './account.ts';
import { request, type ApiClient } from './api.ts';
import { recordBundle } from './managed-vaults.ts';
import { markVerified, type PinStore } from './pins.ts';
import { fetchVaultManifest, nextVaultManifest, type VaultState } from './vault.ts';
import { verifiedBundle } from './bundles.ts';

export interface CreatedInvite {
  inviteId: string;
  /** "coffre-sante:inv1:…": show it as text and QR; it is the only way in. */
  code: string;
  expiresAt: number;
}

/** Opens an invitation to co-manage the record, valid until `expiresAt` (at most 7 days ahead). */
export function createInvite(api: ApiClient, acting: UnlockedAccount, options: { expiresAt: number }): Promise<CreatedInvite> {
  return openInvite(api, acting, 'manager', options.expiresAt);
}

/**
 * Opens a share invitation on the acting vault (a personal vault: the account itself; a record: actingAs),
 * valid until `expiresAt` (at most 7 days ahead). The relative who accepts it can then be shared with.
 */
export function createShareInvite(api: ApiClient, acting: UnlockedAccount, options: { expiresAt: number }): Promise<CreatedInvite> {
  return openInvite(api, acting, 'share', options.expiresAt);
}

async function openInvite(api: ApiClient, acting: UnlockedAccount, purpose: InvitePurpose, expiresAt: number): Promise<CreatedInvite> {
  const now = Date.now();
  if (expiresAt <= now || expiresAt > now + MAX_INVITE_LIFETIME_MS) throw new RangeError('an invitation lasts at most 7 days');
  const inviteId = toBase64url(randomBytes(16));
  await request(api, 'POST', `/api/vaults/${acting.vaultId}/invites`, null, { json: { inviteId, expiresAt, purpose } });
  return { inviteId, code: inviteCode(acting, inviteId), expiresAt };
}

/** The code of an invitation of this vault, again (it is derived from the vault owner's seeds). */
export function inviteCode(acting: UnlockedAccount, inviteId: string): string {
  const secret = inviteSecret(acting.identity, inviteId);
  return formatInviteCode({ vaultId: acting.vaultId, inviteId, secret, vaultKeysHash: keysHash(acting.bundle) });
}

export interface AcceptedInvite {
  vaultId: string;
  /** 'manager': the record shows in listVaults once a manager adds this account; 'share': the owner may now share with it. */
  purpose: InvitePurpose;
  /** The vault owner's bundle, checked against the code and pinned as verified: a record's own, or a person's. */
  owner: PublicKeyBundle;
}

/**
 * The invitee's side, for both kinds: proves it holds `code` with an HMAC over its own bundle. The owner's
 * bundle the server answers with must be self-signed and match the code's keys-hash prefix (KEY_CHANGED
 * otherwise): for a manager invite, a record's (role 'vault', named by the code's vault id); for a share
 * invite, a record's or a person's (its personal vault). It is then pinned as verified (the code came out
 * of band), so what that owner shares later is accepted without another comparison.
 */
export async function acceptInvite(api: ApiClient, account: UnlockedAccount, pins: PinStore, code: string): Promise<AcceptedInvite> {
  const parsed = parseInviteCode(code);
  const proof = inviteProof(parsed.secret, { vaultId: parsed.vaultId, inviteId: parsed.inviteId, inviteeBundle: ownBundleBytes(account) });
  const answer = await request(api, 'POST', `/api/invites/${parsed.inviteId}/accept`, acceptInviteResponseSchema, { json: { proof: toBase64url(proof) } });
  if (answer.vaultId !== parsed.vaultId) throw new CryptoError('MANIFEST_MISMATCH');
  const bytes = fromBase64url(answer.publicBundle);
  const owner = answer.purpose === 'manager' ? recordBundle(bytes, parsed.vaultId) : vaultOwnerBundle(bytes, parsed.vaultId);
  if (!matchesKeysHashPrefix(parsed.keysHashPrefix, owner)) throw new CryptoError('KEY_CHANGED');
  if (owner.accountId === account.accountId) throw new CryptoError('KEY_BUNDLE_INVALID');
  await markVerified(pins, owner);
  return { vaultId: parsed.vaultId, purpose: answer.purpose, owner };
}

/** A share invite's owner: a record's own bundle (named by the vault id) or a person's; KEY_BUNDLE_INVALID otherwise. */
function vaultOwnerBundle(bytes: Uint8Array, vaultId: string): PublicKeyBundle {
  const bundle = verifiedBundle(bytes);
  return bundle.role === 'vault' ? recordBundle(bytes, vaultId) : bundle;
}

/** 'pending': nobody answered; 'accepted': the proof matches the invitee's bundle; 'refused': it does not. */
export type InviteStatus = 'pending' | 'accepted' | 'refused';

export interface InviteEntry {
  inviteId: string;
  /** 'manager': to add with addManager; 'share': to share with (shareWith, role 'reader', the invitee's bundle). */
  purpose: InvitePurpose;
  createdAt: number;
  expiresAt: number;
  status: InviteStatus;
  /** The code, to show again while pending. */
  code: string;
  /** Only for 'accepted': the invitee's verified bundle, its signed bytes, its proof and fingerprint to compare. */
  invitee: { accountId: string; bundle: PublicKeyBundle; publicBundle: Uint8Array; proof: Uint8Array; fingerprint: string } | null;
  /** Only for 'refused': why (SIGNATURE_INVALID: another bundle than the one that holds the code). */
  refusal: string | null;
}

/** The vault's invitations of both kinds, each answer checked against the code's secret (ATK-03). */
export async function listInvites(api: ApiClient, acting: UnlockedAccount): Promise<InviteEntry[]> {
  const { invites } = await request(api, 'GET', `/api/vaults/${acting.vaultId}/invites`, listInvitesResponseSchema);
  return invites.map((invite) => checkInvite(acting, invite));
}

export interface AddManagerInput {
  /** An 'accepted' entry of listInvites: its proof is checked again here. */
  invite: InviteEntry;
  /**
   * The adder's pins: the invitee's bundle is pinned as verified, since only the holder of the code given in
   * person could prove it, so a key the server swaps in later for this person is KEY_CHANGED on this device.
   */
  pins?: PinStore;
  startsAt: number | null;
  endsAt: number | null;
}

/**
 * Makes the invitee a manager: the record's seeds sealed for its key, the next vault manifest with it
 * among the managers (checked with assertRecipientsAllowed before sealing), one POST. A 'pending' or
 * 'refused' invitation is never added (SIGNATURE_INVALID). The dates are the server's to enforce.
 * With `pins`, the invitee's bundle is pinned as verified once the server took the change.
 */
export async function addManager(api: ApiClient, acting: UnlockedAccount, state: VaultState, input: AddManagerInput): Promise<void> {
  const { invite } = input;
  const invitee = invite.invitee;
  if (invite.status !== 'accepted' || invitee === null || invite.purpose !== 'manager') throw new CryptoError('SIGNATURE_INVALID');
  const secret = inviteSecret(acting.identity, invite.inviteId);
  checkInviteProof(secret, { vaultId: acting.vaultId, inviteId: invite.inviteId, inviteeBundle: invitee.publicBundle }, invitee.proof);
  const bundle = inviteeBundle(invitee.publicBundle, invitee.accountId);
  if (input.startsAt !== null && input.endsAt !== null && input.endsAt <= input.startsAt) throw new RangeError('endsAt must follow startsAt');
  const now = Date.now();
  const current = await fetchVaultManifest(api, acting, state);
  if (current === null) throw new CryptoError('RECORD_MISSING');
  const managers = [...current.managers.filter((member) => member.accountId !== bundle.accountId), memberOf(bundle)];
  const next = nextVaultManifest(acting, current, state, { managers }, now);
  assertRecipientsAllowed(next.manifest, [bundle], now);
  const body: AddManagerRequest = {
    inviteId: invite.inviteId, accountId: bundle.accountId,
    envelope: toBase64url(sealVaultKeys(acting.identity, acting.vaultId, bundle.encryptionPublicKey)),
    startsAt: input.startsAt, endsAt: input.endsAt, vaultManifest: next.update,
  };
  await request(api, 'POST', `/api/vaults/${acting.vaultId}/managers`, null, { json: body });
  state.head = next.head;
  if (input.pins !== undefined) await markVerified(input.pins, bundle);
}

/**
 * Removes a manager: the next vault manifest without them, one DELETE. The server stops serving them the
 * record; what they downloaded, and the record's seeds they hold, cannot be recalled (SPEC part 6).
 */
export async function removeManager(api: ApiClient, acting: UnlockedAccount, state: VaultState, accountId: string): Promise<void> {
  const current = await fetchVaultManifest(api, acting, state);
  if (current === null) throw new CryptoError('RECORD_MISSING');
  const managers = current.managers.filter((member) => member.accountId !== accountId);
  const next = nextVaultManifest(acting, current, state, { managers }, Date.now());
  await request(api, 'DELETE', `/api/vaults/${acting.vaultId}/managers/${encodeURIComponent(accountId)}`, null, { json: { vaultManifest: next.update } });
  state.head = next.head;
}

/** This account stops managing the record. */
export function leaveRecord(api: ApiClient, acting: UnlockedAccount, state: VaultState): Promise<void> {
  return removeManager(api, acting, state, acting.accountId);
}

export interface ManagerEntry {
  accountId: string;
  fingerprint: string;
  startsAt: number | null;
  endsAt: number | null;
  createdAt: number;
  /** True when the signed vault manifest lists this account with these keys. */
  listed: boolean;
}

/** The record's managers as the server lists them, each checked against the signed vault manifest. */
export async function listManagers(api: ApiClient, acting: UnlockedAccount, state: VaultState): Promise<ManagerEntry[]> {
  const current = await fetchVaultManifest(api, acting, state);
  const { managers } = await request(api, 'GET', `/api/vaults/${acting.vaultId}/managers`, listManagersResponseSchema);
  return managers.map((manager) => {
    const bundle = inviteeBundle(fromBase64url(manager.publicBundle), manager.accountId);
    const member = current?.managers.find((entry) => entry.accountId === manager.accountId);
    return {
      accountId: manager.accountId, fingerprint: fingerprintNumber(bundle), startsAt: manager.startsAt, endsAt: manager.endsAt, createdAt: manager.createdAt,
      listed: member !== undefined && constantTimeEqual(member.keysHash, keysHash(bundle)),
    };
  });
}

function checkInvite(acting: UnlockedAccount, invite: Invite): InviteEntry {
  const entry: InviteEntry = {
    inviteId: invite.inviteId, purpose: invite.purpose, createdAt: invite.createdAt, expiresAt: invite.expiresAt, status: 'pending',
    code: inviteCode(acting, invite.inviteId), invitee: null, refusal: null,
  };
  if (invite.invitee === null) return entry;
  const publicBundle = fromBase64url(invite.invitee.publicBundle);
  const proof = fromBase64url(invite.invitee.proof);
  try {
    const bundle = inviteeBundle(publicBundle, invite.invitee.accountId);
    const secret = inviteSecret(acting.identity, invite.inviteId);
    checkInviteProof(secret, { vaultId: acting.vaultId, inviteId: invite.inviteId, inviteeBundle: publicBundle }, proof);
    return { ...entry, status: 'accepted', invitee: { accountId: bundle.accountId, bundle, publicBundle, proof, fingerprint: fingerprintNumber(bundle) } };
  } catch (error) {
    if (!isCryptoError(error)) throw error;
    return { ...entry, status: 'refused', refusal: error.code };
  }
}

/** A person's self-signed bundle (not a record's), named by `accountId`; KEY_BUNDLE_INVALID otherwise. */
function inviteeBundle(bytes: Uint8Array, accountId: string): PublicKeyBundle {
  const bundle = verifiedBundle(bytes);
  if (bundle.accountId !== accountId || bundle.role === 'vault') throw new CryptoError('KEY_BUNDLE_INVALID');
  return bundle;
}

/**
 * The account's signed bundle bytes, as the server stores them: Ed25519 signatures are deterministic, so
 * signing the same fields with the same seed gives the bytes made at sign-up, which the proof covers.
 */
function ownBundleBytes(account: UnlockedAccount): Uint8Array {
  const { accountId, role, createdAt } = account.bundle;
  return signPublicBundle(account.identity, { accountId, role, createdAt });
}
