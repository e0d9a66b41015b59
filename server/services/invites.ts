// Invitations (shared/managed-vaults.ts): to co-manage a record ('manager'), or to receive read-only shares
// of a vault, a personal one included ('share': relatives are not in the directory). The server never sees
// the code's secret: it keeps the invite's purpose and dates, and at acceptance the invitee's account, their
// bundle as stored and their proof, all for the inviting client, which checks the proof against that bundle
// before sealing anything for them.
import { and, asc, count, eq, gt, isNull } from 'drizzle-orm';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { MAX_INVITE_LIFETIME_MS, MAX_MANAGERS, type AcceptInviteResponse, type CreateInviteRequest, type Invite } from '../../shared/managed-vaults.ts';
import { ApiError } from '../http-error.ts';
import { first, type Tx } from '../storage/database.ts';
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
export async function createInvite(deps: Deps, accountId: string, vaultId: string, request: CreateInviteRequest): Promise<void> {
  const now = deps.clock();
  if (request.expiresAt <= now || request.expiresAt > now + MAX_INVITE_LIFETIME_MS) throw new ApiError('BAD_REQUEST');
  await deps.storage.transaction(async (tx) => {
    const { vaultInvites } = tx.tables;
    await requireInviter(tx, accountId, vaultId, request.purpose, now);
    const open = (await tx.select({ n: count() }).from(vaultInvites)
      .where(and(eq(vaultInvites.vaultId, vaultId), isNull(vaultInvites.inviteeAccountId), gt(vaultInvites.expiresAt, now))))[0]?.n ?? 0;
    if (open >= MAX_OPEN_INVITES) throw new ApiError('CONFLICT');
    if (first(await tx.select({ id: vaultInvites.id }).from(vaultInvites).where(eq(vaultInvites.id, request.inviteId)).limit(1)) !== undefined) throw new ApiError('CONFLICT');
    await tx.insert(vaultInvites).values({ id: request.inviteId, vaultId, inviterAccountId: accountId, purpose: request.purpose, createdAt: now, expiresAt: request.expiresAt });
  });
}

/** A manager invite needs a managed record with room for one more manager; a share invite, any vault the caller manages. */
async function requireInviter(tx: Tx, accountId: string, vaultId: string, purpose: CreateInviteRequest['purpose'], now: number): Promise<void> {
  if (purpose === 'manager') {
    await requireManagedRecord(tx, accountId, vaultId, now);
    if (await managerCount(tx, vaultId) >= MAX_MANAGERS) throw new ApiError('MANAGER_LIMIT');
  } else {
    await requireManagedVault(tx, accountId, vaultId, now);
  }
}

/** Every invite of the vault, expired ones too (the client shows and deletes them), oldest first. */
export async function listInvites(deps: Deps, accountId: string, vaultId: string): Promise<Invite[]> {
  return deps.storage.transaction(async (tx) => {
    const { vaultInvites } = tx.tables;
    await requireManagedVault(tx, accountId, vaultId, deps.clock());
    const rows = await tx.select().from(vaultInvites).where(eq(vaultInvites.vaultId, vaultId)).orderBy(asc(vaultInvites.createdAt), asc(vaultInvites.id));
    return rows.map((row) => ({
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

export async function deleteInvite(deps: Deps, accountId: string, vaultId: string, inviteId: string): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    const { vaultInvites } = tx.tables;
    await requireManagedVault(tx, accountId, vaultId, deps.clock());
    const deleted = (await tx.delete(vaultInvites).where(and(eq(vaultInvites.vaultId, vaultId), eq(vaultInvites.id, inviteId))).returning({ id: vaultInvites.id })).length;
    if (deleted !== 1) throw new ApiError('NOT_FOUND');
  });
}

/**
 * Any account records its acceptance with its proof: NOT_FOUND for an unknown or expired invite, CONFLICT
 * once accepted, BAD_REQUEST for the inviter, the owner of a personal vault or a manager of the record
 * (they have nothing to join). The answer is the vault owner's bundle: a record's own, or for a personal
 * vault its owner account's.
 */
export async function acceptInvite(deps: Deps, accountId: string, inviteId: string, proof: string): Promise<AcceptInviteResponse> {
  const now = deps.clock();
  return deps.storage.transaction(async (tx) => {
    const { vaultInvites, vaultManagers, vaults } = tx.tables;
    const invite = first(await tx.select().from(vaultInvites).where(eq(vaultInvites.id, inviteId)).limit(1));
    if (invite === undefined || invite.expiresAt <= now) throw new ApiError('NOT_FOUND');
    if (invite.inviteeAccountId !== null) throw new ApiError('CONFLICT');
    const manager = first(await tx.select({ accountId: vaultManagers.accountId }).from(vaultManagers)
      .where(and(eq(vaultManagers.vaultId, invite.vaultId), eq(vaultManagers.accountId, accountId))).limit(1));
    const vault = first(await tx.select().from(vaults).where(eq(vaults.id, invite.vaultId)).limit(1));
    if (vault === undefined) throw new ApiError('NOT_FOUND');
    if (invite.inviterAccountId === accountId || manager !== undefined || vault.ownerAccountId === accountId) throw new ApiError('BAD_REQUEST');
    const account = await accountBundle(tx, accountId);
    const ownerBundle = isManagedVault(vault) ? vault.publicBundle : await accountBundle(tx, vault.ownerAccountId);
    if (account === undefined || ownerBundle == null) throw new ApiError('NOT_FOUND');
    const changed = (await tx.update(vaultInvites)
      .set({ inviteeAccountId: accountId, inviteeBundle: account, proof: Buffer.from(fromBase64url(proof)) })
      .where(and(eq(vaultInvites.id, inviteId), isNull(vaultInvites.inviteeAccountId)))
      .returning({ id: vaultInvites.id })).length;
    if (changed !== 1) throw new ApiError('CONFLICT');
    return { vaultId: invite.vaultId, purpose: invite.purpose, publicBundle: toBase64url(ownerBundle) };
  });
}

/** The account's public bundle as stored; undefined for an unknown account. */
async function accountBundle(tx: Tx, accountId: string): Promise<Buffer | undefined> {
  const { accounts } = tx.tables;
  return first(await tx.select({ publicBundle: accounts.publicBundle }).from(accounts).where(eq(accounts.id, accountId)).limit(1))?.publicBundle;
}
