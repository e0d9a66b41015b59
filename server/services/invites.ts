// Invitations (shared/managed-vaults.ts): to co-manage a record ('manager'), or to receive read-only shares
// of a vault, a personal one included ('share': relatives are not in the directory). The server never sees
// the code's secret: it keeps the invite's purpose and dates, and at acceptance the invitee's account, their
// bundle as stored and their proof, all for the inviting client, which checks the proof against that bundle
// before sealing anything for them.
import { and, asc, count, eq, gt, isNull } from 'drizzle-orm';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { MAX_INVITE_LIFETIME_MS, MAX_MANAGERS, type AcceptInviteResponse, type CreateInviteRequest, type Invite } from '../../shared/managed-vaults.ts';
import { ApiError } from '../http-error.ts';
import { accounts, vaultInvites, vaultManagers, vaults } from '../storage/schema.ts';
import type { Deps } from './deps.ts';
import { managerCount, requireManagedRecord } from './managed-vaults.ts';
import { isManagedVault, requireManagedVault } from './vaults.ts';

/** Invites waiting (not accepted, not expired) per vault: a few caregivers and relatives, not a broadcast. */
export const MAX_OPEN_INVITES = 10;

/**
 * BAD_REQUEST unless now < expiresAt <= now + MAX_INVITE_LIFETIME_MS, or for a manager invite on a personal
 * vault; MANAGER_LIMIT when the record is full (manager invites only: a share invite adds no manager);
 * CONFLICT for a taken id or too many open invites.
 */
export function createInvite(deps: Deps, accountId: string, vaultId: string, request: CreateInviteRequest): void {
  const now = deps.clock();
  if (request.expiresAt <= now || request.expiresAt > now + MAX_INVITE_LIFETIME_MS) throw new ApiError('BAD_REQUEST');
  deps.storage.db.transaction((tx) => {
    if (request.purpose === 'manager') {
      requireManagedRecord(tx, accountId, vaultId, now);
      if (managerCount(tx, vaultId) >= MAX_MANAGERS) throw new ApiError('MANAGER_LIMIT');
    } else {
      requireManagedVault(tx, accountId, vaultId, now);
    }
    const open = tx.select({ n: count() }).from(vaultInvites)
      .where(and(eq(vaultInvites.vaultId, vaultId), isNull(vaultInvites.inviteeAccountId), gt(vaultInvites.expiresAt, now))).get()?.n ?? 0;
    if (open >= MAX_OPEN_INVITES) throw new ApiError('CONFLICT');
    if (tx.select({ id: vaultInvites.id }).from(vaultInvites).where(eq(vaultInvites.id, request.inviteId)).get() !== undefined) throw new ApiError('CONFLICT');
    tx.insert(vaultInvites).values({ id: request.inviteId, vaultId, inviterAccountId: accountId, purpose: request.purpose, createdAt: now, expiresAt: request.expiresAt }).run();
  });
}

/** Every invite of the vault, expired ones too (the client shows and deletes them), oldest first. */
export function listInvites(deps: Deps, accountId: string, vaultId: string): Invite[] {
  return deps.storage.db.transaction((tx) => {
    requireManagedVault(tx, accountId, vaultId, deps.clock());
    return tx.select().from(vaultInvites).where(eq(vaultInvites.vaultId, vaultId)).orderBy(asc(vaultInvites.createdAt), asc(vaultInvites.id)).all().map((row) => ({
      inviteId: row.id,
      purpose: row.purpose,
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
    requireManagedVault(tx, accountId, vaultId, deps.clock());
    const deleted = tx.delete(vaultInvites).where(and(eq(vaultInvites.vaultId, vaultId), eq(vaultInvites.id, inviteId))).run().changes;
    if (deleted !== 1) throw new ApiError('NOT_FOUND');
  });
}

/**
 * Any account records its acceptance with its proof: NOT_FOUND for an unknown or expired invite, CONFLICT
 * once accepted, BAD_REQUEST for the inviter, the owner of a personal vault or a manager of the record
 * (they have nothing to join). The answer is the vault owner's bundle: a record's own, or for a personal
 * vault its owner account's.
 */
export function acceptInvite(deps: Deps, accountId: string, inviteId: string, proof: string): AcceptInviteResponse {
  const now = deps.clock();
  return deps.storage.db.transaction((tx) => {
    const invite = tx.select().from(vaultInvites).where(eq(vaultInvites.id, inviteId)).get();
    if (invite === undefined || invite.expiresAt <= now) throw new ApiError('NOT_FOUND');
    if (invite.inviteeAccountId !== null) throw new ApiError('CONFLICT');
    const manager = tx.select({ accountId: vaultManagers.accountId }).from(vaultManagers)
      .where(and(eq(vaultManagers.vaultId, invite.vaultId), eq(vaultManagers.accountId, accountId))).get();
    const vault = tx.select().from(vaults).where(eq(vaults.id, invite.vaultId)).get();
    if (vault === undefined) throw new ApiError('NOT_FOUND');
    if (invite.inviterAccountId === accountId || manager !== undefined || vault.ownerAccountId === accountId) throw new ApiError('BAD_REQUEST');
    const account = tx.select({ publicBundle: accounts.publicBundle }).from(accounts).where(eq(accounts.id, accountId)).get();
    const ownerBundle = isManagedVault(vault)
      ? vault.publicBundle
      : tx.select({ publicBundle: accounts.publicBundle }).from(accounts).where(eq(accounts.id, vault.ownerAccountId)).get()?.publicBundle;
    if (account === undefined || ownerBundle == null) throw new ApiError('NOT_FOUND');
    const changed = tx.update(vaultInvites)
      .set({ inviteeAccountId: accountId, inviteeBundle: account.publicBundle, proof: Buffer.from(fromBase64url(proof)) })
      .where(and(eq(vaultInvites.id, inviteId), isNull(vaultInvites.inviteeAccountId)))
      .run().changes;
    if (changed !== 1) throw new ApiError('CONFLICT');
    return { vaultId: invite.vaultId, purpose: invite.purpose, publicBundle: toBase64url(ownerBundle) };
  });
}
