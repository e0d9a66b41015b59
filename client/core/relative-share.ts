// Sharing read-only with a relative (SHARING3.md). Relatives are not in the directory, so their key reaches
// the patient through a share invitation (record-managers.ts createShareInvite, acceptInvite): the relative
// proves it holds the code with an HMAC over its own bundle, which the server cannot forge. Once that proof
// checks out, the bundle is the relative's (ATK-03): it is pinned as verified and shared with as any other.
import { CryptoError } from '../../crypto/errors.ts';
import type { GrantScope } from '../../crypto/grant-scope.ts';
import type { UnlockedAccount } from './account.ts';
import { ApiClientError, type ApiClient } from './api.ts';
import type { OpenedVault } from './opened-vault.ts';
import { markVerified, type PinStore } from './pins.ts';
import { listInvites } from './record-managers.ts';
import { shareWith } from './sharing.ts';
import type { VaultState } from './vault.ts';

export interface RelativeShareInput {
  /** A share invitation of the acting vault that the relative accepted. */
  inviteId: string;
  scope: GrantScope;
  /** Kind 'documents': which documents of the vault. */
  documentIds?: readonly string[];
  /** End of the share (ms since the epoch, in the future), or null. */
  endsAt: number | null;
}

/**
 * Shares `vault` read-only with the relative who accepted the share invitation `input.inviteId`: their
 * proof is checked again against the code's secret (a bundle the server swapped in is SIGNATURE_INVALID,
 * and nothing is sealed), their bundle pinned as verified, then shareWith with role 'reader'. The server
 * deletes the invitation with the grant. NOT_FOUND for an unknown invitation or a co-manager's.
 */
export async function shareWithInvitee(
  api: ApiClient, acting: UnlockedAccount, state: VaultState, pins: PinStore, vault: OpenedVault, input: RelativeShareInput,
): Promise<{ grantId: string }> {
  const invite = (await listInvites(api, acting)).find((entry) => entry.inviteId === input.inviteId && entry.purpose === 'share');
  if (invite === undefined) throw new ApiClientError('NOT_FOUND', 404);
  if (invite.status !== 'accepted' || invite.invitee === null) throw new CryptoError('SIGNATURE_INVALID');
  await markVerified(pins, invite.invitee.bundle);
  const { scope, documentIds, endsAt } = input;
  return shareWith(api, acting, state, pins, vault, { recipient: invite.invitee.bundle, scope, endsAt, role: 'reader', ...(documentIds === undefined ? {} : { documentIds }) });
}
