// The Worker's side of relatives' records: the records this person manages (for the vault switcher),
// creating one, invitations and co-managers. Every check is client/core's (managed-vaults.ts,
// record-managers.ts); this file adapts views and keeps the records' seeds in the Session.
import type { ApiClient } from '../core/api.ts';
import { createRecord, listVaults } from '../core/managed-vaults.ts';
import { acceptInvite, addManager, createInvite, listInvites, listManagers, removeManager } from '../core/record-managers.ts';
import { invitesView } from './relative-share-operations.ts';
import type { Session } from './session.ts';
import type { InviteCodeView, InvitePurpose, InviteView, ManagerView, VaultChoiceView } from './protocol.ts';

/** An invitation lasts two days: long enough to reach the other caregiver, short enough to expire unused. */
const INVITE_LIFETIME_MS = 2 * 24 * 3600 * 1000;

/** One's own record first, then the relatives' in the order the server lists them. Records that fail a check are left out. */
export async function listVaultsView(api: ApiClient, session: Session): Promise<VaultChoiceView[]> {
  const list = await listVaults(api, session.account, session.pins, await session.stateOf(session.account.vaultId));
  session.setRecords(list.records);
  return [
    { vaultId: list.own.vaultId, role: 'owner', name: null, startsAt: null, endsAt: null },
    ...list.records.map((record): VaultChoiceView => ({ vaultId: record.vaultId, role: 'manager', name: record.label, startsAt: record.startsAt, endsAt: record.endsAt })),
  ];
}

export async function createRecordOf(api: ApiClient, session: Session, name: string): Promise<{ vaultId: string }> {
  const { record, state } = await createRecord(api, session.account, session.pins, name);
  session.addRecord(record, state);
  return { vaultId: record.vaultId };
}

export async function createInviteFor(api: ApiClient, session: Session, vaultId: string): Promise<InviteCodeView> {
  const { inviteId, code, expiresAt } = await createInvite(api, session.owner(vaultId), { expiresAt: Date.now() + INVITE_LIFETIME_MS });
  return { inviteId, code, expiresAt };
}

/** Either kind of code; `owner` names who may now share with this account (a person, or a record's id). */
export async function acceptInviteCode(api: ApiClient, session: Session, code: string): Promise<{ vaultId: string; purpose: InvitePurpose; owner: string }> {
  const { vaultId, purpose, owner } = await acceptInvite(api, session.account, session.pins, code);
  return { vaultId, purpose, owner: owner.accountId };
}

/** The record's co-manager invitations (its sharing codes are on "Partager"). */
export function listInvitesView(api: ApiClient, session: Session, vaultId: string): Promise<InviteView[]> {
  return invitesView(api, session, 'manager', vaultId);
}

/** Adds the invitee of an accepted invitation, its proof checked again by client/core. */
export async function addManagerFrom(api: ApiClient, session: Session, input: { vaultId: string; inviteId: string; startsAt: number | null; endsAt: number | null }): Promise<void> {
  const acting = session.owner(input.vaultId);
  const invite = (await listInvites(api, acting)).find((entry) => entry.inviteId === input.inviteId);
  if (invite === undefined) throw new RangeError('unknown invitation');
  await addManager(api, acting, await session.stateOf(input.vaultId), { invite, startsAt: input.startsAt, endsAt: input.endsAt, pins: session.pins });
}

export async function listManagersView(api: ApiClient, session: Session, vaultId: string): Promise<ManagerView[]> {
  const managers = await listManagers(api, session.owner(vaultId), await session.stateOf(vaultId));
  return managers.map(({ accountId, startsAt, endsAt }) => ({ accountId, startsAt, endsAt, self: accountId === session.account.accountId }));
}

/** Removes a co-manager, or (one's own account) leaves the record; then the record list is read again. */
export async function removeManagerOf(api: ApiClient, session: Session, vaultId: string, accountId: string): Promise<void> {
  await removeManager(api, session.owner(vaultId), await session.stateOf(vaultId), accountId);
  if (accountId === session.account.accountId) await listVaultsView(api, session);
}
