// The Worker's side of sharing with a relative (SHARING3.md): relatives are patients, never in the
// directory, so the patient makes a sharing code (client/core/record-managers.ts createShareInvite), the
// relative accepts it, and the patient shares with the bundle whose proof of holding the code checks out
// (client/core/relative-share.ts). The Worker only adapts views.
import { fingerprintQrPayload } from '../../crypto/fingerprint.ts';
import type { ApiClient } from '../core/api.ts';
import { forgetFileKeys, openVault } from '../core/opened-vault.ts';
import { createShareInvite, listInvites, type InviteEntry } from '../core/record-managers.ts';
import { shareWithInvitee } from '../core/relative-share.ts';
import type { Session } from './session.ts';
import type { InviteCodeView, InviteView, ShareScope } from './protocol.ts';

/** A sharing code lasts two days, like a co-manager's invitation. */
const SHARE_CODE_LIFETIME_MS = 2 * 24 * 3600 * 1000;

export async function createShareCode(api: ApiClient, session: Session): Promise<InviteCodeView> {
  const { inviteId, code, expiresAt } = await createShareInvite(api, session.owner(), { expiresAt: Date.now() + SHARE_CODE_LIFETIME_MS });
  return { inviteId, code, expiresAt };
}

/** The selected record's invitations of one purpose, as the pages show them. */
export async function invitesView(api: ApiClient, session: Session, purpose: InviteEntry['purpose'], vaultId?: string): Promise<InviteView[]> {
  const invites = await listInvites(api, session.owner(vaultId));
  return invites.filter((entry) => entry.purpose === purpose).map(inviteView);
}

export function inviteView({ inviteId, purpose, createdAt, expiresAt, status, invitee }: InviteEntry): InviteView {
  return {
    inviteId, purpose, createdAt, expiresAt, status,
    invitee: invitee === null ? null : { accountId: invitee.accountId, fingerprint: { number: invitee.fingerprint, qrPayload: fingerprintQrPayload(invitee.bundle) } },
  };
}

/**
 * Shares read-only with the relative who used the sharing code `inviteId`, through client/core (their
 * proof checked again against the code's secret, their bundle pinned as verified); the vault is opened for
 * this call only (file keys forgotten after).
 */
export async function shareWithRelative(api: ApiClient, session: Session, input: { inviteId: string; scope: ShareScope; endsAt: number | null }): Promise<{ grantId: string }> {
  const acting = session.owner();
  const state = await session.stateOf();
  const vault = await openVault(api, acting, state);
  try {
    const { scope } = input;
    return await shareWithInvitee(api, acting, state, session.pins, vault, {
      inviteId: input.inviteId, endsAt: input.endsAt,
      scope: scope.kind === 'documents' ? { kind: 'documents' } : scope,
      ...(scope.kind === 'documents' ? { documentIds: scope.documentIds } : {}),
    });
  } finally {
    forgetFileKeys(vault);
  }
}
