// Invitations to co-manage a record (shared/managed-vaults.ts). The server never sees the code's secret: it
// keeps the invite's dates, and at acceptance the invitee's account, their bundle as stored and their proof,
// all for the inviting client, which checks the proof against that bundle before sealing the record's keys.
import { and, asc, count, eq, gt, isNull } from 'drizzle-orm';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { MAX_INVITE_LIFETIME_MS, MAX_MANAGERS, type AcceptInviteResponse, type CreateInviteRequest, type Invite } from '../../shared/managed-vaults.ts';
import { ApiError } from '../http-error.ts';
import { accounts, vaultInvites, vaultManagers, vaults } from '../storage/schema.ts';
import type { Deps } from './deps.ts';
import { managerCount, requireManagedRecord } from './managed-vaults.ts';

/** Invites waiting (not accepted, not expired) per record: a few caregivers, not a broadcast. */
export const MAX_OPEN_INVITES = 10;

/**
 * BAD_REQUEST unless now < expiresAt <= now + MAX_INVITE_LIFETIME_MS; MANAGER_LIMIT when the record is full;
 * CONFLICT for a taken id or too many open invites.
 */
export function createInvite(deps: Deps, accountId: string, vaultId: string, request: CreateInviteRequest): void {
  const now = deps.clock();
  if (request.expiresAt <= now || request.expiresAt > now + MAX_INVITE_LIFETIME_MS) throw new ApiError('BAD_REQUEST');
  deps.storage.db.transaction((tx) => {
    requireManagedRecord(tx, accountId, vaultId, now);
    if (managerCount(tx, vaultId) >= MAX_MANAGERS) throw new ApiError('MANAGER_LIMIT');
    const open = tx.select({ n: count() }).from(vaultInvites)
      .where(and(eq(vaultInvites.vaultId, vaultId), isNull(vaultInvites.inviteeAccountId), gt(vaultInvites.expiresAt, now))).get()?.n ?? 0;
    if (open >= MAX_OPEN_INVITES) throw new ApiError('CONFLICT');
    if (tx.select({ id: vaultInvites.id }).from(vaultInvites).where(eq(vaultInvites.id, request.inviteId)).get() !== undefined) throw new ApiError('CONFLICT');
    tx.insert(vaultInvites).values({ id: request.inviteId, vaultId, inviterAccountId: accountId, createdAt: now, expiresAt: request.expiresAt }).run();
  });
}

/** Every invite of the record, expired ones too (the client shows and deletes them), oldest first. */
export function listInvites(deps: Deps, accountId: string, vaultId: string): Invite[] {
  return deps.storage.db.transaction((tx) => {
    requireManagedRecord(tx, accountId, vaultId, deps.clock());
    return tx.select().from(vaultInvites).where(eq(vaultInvites.vaultId, vaultId)).orderBy(asc(vaultInvites.createdAt), asc(vaultInvites.id)).all().map((row) => ({
      inviteId: row.id,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      invitee: row.inviteeAccountId === null || row.inviteeBundle === null || row.proof === null
        ? null
        : { accountId: row.inviteeAccountId, publicBundle: toBase64url(row.inviteeBundle), proof: toBase64url(row.proof) },
    }));
  });
}

export function deleteInvite(deps: Deps, accountId: string, vaultId: string, inviteId: string): void {
  deps.storage.db.transaction((tx) => {
    requireManagedRecord(tx, accountId, vaultId, deps.clock());
    const deleted = tx.delete(vaultInvites).where(and(eq(vaultInvites.vaultId, vaultId), eq(vaultInvites.id, inviteId))).run().changes;
    if (deleted !== 1) throw new ApiError('NOT_FOUND');
  });
}

/**
 * Any account records its acceptance with its proof: NOT_FOUND for an unknown or expired invite, CONFLICT
 * once accepted, BAD_REQUEST for the inviter or a manager of the record (they have nothing to join).
 */
export function acceptInvite(deps: Deps, accountId: string, inviteId: string, proof: string): AcceptInviteResponse {
  const now = deps.clock();
  return deps.storage.db.transaction((tx) => {
    const invite = tx.select().from(vaultInvites).where(eq(vaultInvites.id, inviteId)).get();
    if (invite === undefined || invite.expiresAt <= now) throw new ApiError('NOT_FOUND');
    if (invite.inviteeAccountId !== null) throw new ApiError('CONFLICT');
    const manager = tx.select({ accountId: vaultManagers.accountId }).from(vaultManagers)
      .where(and(eq(vaultManagers.vaultId, invite.vaultId), eq(vaultManagers.accountId, accountId))).get();
    if (invite.inviterAccountId === accountId || manager !== undefined) throw new ApiError('BAD_REQUEST');
    const account = tx.select({ publicBundle: accounts.publicBundle }).from(accounts).where(eq(accounts.id, accountId)).get();
    const vault = tx.select({ publicBundle: vaults.publicBundle }).from(vaults).where(eq(vaults.id, invite.vaultId)).get();
    if (account === undefined || vault?.publicBundle == null) throw new ApiError('NOT_FOUND');
    const changed = tx.update(vaultInvites)
      .set({ inviteeAccountId: accountId, inviteeBundle: account.publicBundle, proof: Buffer.from(fromBase64url(proof)) })
      .where(and(eq(vaultInvites.id, inviteId), isNull(vaultInvites.inviteeAccountId)))
      .run().changes;
    if (changed !== 1) throw new ApiError('CONFLICT');
    return { vaultId: invite.vaultId, publicBundle: toBase64url(vault.publicBundle) };
  });
}
