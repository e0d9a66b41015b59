// Records a person manages for someone else (shared/managed-vaults.ts): creation with the creator as first
// manager, the managers list (add from an accepted invite, remove or leave, each with the next vault
// manifest), and the record's end when its last manager is gone. Bundles, envelopes, labels and proofs are
// opaque bytes here, except the record's own bundle, checked once at creation so that a broken client
// cannot create a record whose identity does not name it.
import { and, asc, count, eq, isNotNull, ne } from 'drizzle-orm';
import { isCryptoError } from '../../crypto/errors.ts';
import { verifyPublicBundle } from '../../crypto/identity.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { MAX_MANAGERS, type AddManagerRequest, type CreateManagedVaultRequest, type Manager } from '../../shared/managed-vaults.ts';
import type { VaultManifestUpdate } from '../../shared/vaults.ts';
import { ApiError } from '../http-error.ts';
import { first, type Tx } from '../storage/database.ts';
import { drainPendingDeletions } from '../storage/recovery.ts';
import type { Deps } from './deps.ts';
import { advanceManifest, isManagedVault, requireManagedVault, type VaultRow } from './vaults.ts';

/** Records one account may hold as owner_account_id (the creator, or the manager it passed to). */
export const MAX_MANAGED_VAULTS_PER_ACCOUNT = 10;

/** Blob deletions queued per insert: within every engine's parameter limit. */
const QUEUE_SLICE = 500;

const bytes = (encoded: string) => Buffer.from(fromBase64url(encoded));

/** BAD_REQUEST for a bundle that is not a valid 'vault' identity named by vaultId; CONFLICT for a taken id or the per-account limit. */
export async function createManagedVault(deps: Deps, accountId: string, request: CreateManagedVaultRequest): Promise<void> {
  checkVaultBundle(request.vaultId, request.publicBundle);
  const now = deps.clock();
  await deps.storage.transaction(async (tx) => {
    const { vaultManagers, vaults } = tx.tables;
    if (first(await tx.select({ id: vaults.id }).from(vaults).where(eq(vaults.id, request.vaultId)).limit(1)) !== undefined) throw new ApiError('CONFLICT');
    const held = (await tx.select({ n: count() }).from(vaults).where(and(eq(vaults.ownerAccountId, accountId), isNotNull(vaults.publicBundle))))[0]?.n ?? 0;
    if (held >= MAX_MANAGED_VAULTS_PER_ACCOUNT) throw new ApiError('CONFLICT');
    await tx.insert(vaults).values({ id: request.vaultId, ownerAccountId: accountId, createdAt: now, publicBundle: bytes(request.publicBundle), label: bytes(request.label) });
    await tx.insert(vaultManagers).values({ vaultId: request.vaultId, accountId, envelope: bytes(request.managerEnvelope), startsAt: null, endsAt: null, createdAt: now });
    await advanceManifest(tx, await requireManagedVault(tx, accountId, request.vaultId, now), request.vaultManifest);
  });
}

function checkVaultBundle(vaultId: string, encoded: string): void {
  try {
    const bundle = verifyPublicBundle(fromBase64url(encoded));
    if (bundle.role !== 'vault' || bundle.accountId !== vaultId) throw new ApiError('BAD_REQUEST');
  } catch (error) {
    if (isCryptoError(error)) throw new ApiError('BAD_REQUEST');
    throw error;
  }
}

/** A managed record the caller manages now; NOT_FOUND for outsiders, BAD_REQUEST for a personal vault (it has no managers). */
export async function requireManagedRecord(tx: Tx, accountId: string, vaultId: string, now: number): Promise<VaultRow> {
  const vault = await requireManagedVault(tx, accountId, vaultId, now);
  if (!isManagedVault(vault)) throw new ApiError('BAD_REQUEST');
  return vault;
}

export async function managerCount(tx: Tx, vaultId: string): Promise<number> {
  const { vaultManagers } = tx.tables;
  return (await tx.select({ n: count() }).from(vaultManagers).where(eq(vaultManagers.vaultId, vaultId)))[0]?.n ?? 0;
}

/**
 * The invitee of an accepted invite of this record becomes a manager; the invite goes. NOT_FOUND for an
 * unknown or unaccepted invite or another account than its invitee; BAD_REQUEST for a share invite (it
 * lets the vault grant to a relative, not join it) or dates that end before they start; MANAGER_LIMIT
 * beyond MAX_MANAGERS; CONFLICT if already a manager.
 */
export async function addManager(deps: Deps, accountId: string, vaultId: string, request: AddManagerRequest): Promise<void> {
  if (request.startsAt !== null && request.endsAt !== null && request.endsAt <= request.startsAt) throw new ApiError('BAD_REQUEST');
  const now = deps.clock();
  await deps.storage.transaction(async (tx) => {
    const { vaultInvites, vaultManagers } = tx.tables;
    const vault = await requireManagedRecord(tx, accountId, vaultId, now);
    const invite = first(await tx.select().from(vaultInvites).where(and(eq(vaultInvites.vaultId, vaultId), eq(vaultInvites.id, request.inviteId))).limit(1));
    if (invite?.inviteeAccountId !== request.accountId) throw new ApiError('NOT_FOUND');
    if (invite.purpose !== 'manager') throw new ApiError('BAD_REQUEST');
    const existing = first(await tx.select({ accountId: vaultManagers.accountId }).from(vaultManagers)
      .where(and(eq(vaultManagers.vaultId, vaultId), eq(vaultManagers.accountId, request.accountId))).limit(1));
    if (existing !== undefined) throw new ApiError('CONFLICT');
    if (await managerCount(tx, vaultId) >= MAX_MANAGERS) throw new ApiError('MANAGER_LIMIT');
    await advanceManifest(tx, vault, request.vaultManifest);
    await tx.insert(vaultManagers).values({ vaultId, accountId: request.accountId, envelope: bytes(request.envelope), startsAt: request.startsAt, endsAt: request.endsAt, createdAt: now });
    await tx.delete(vaultInvites).where(eq(vaultInvites.id, invite.id));
  });
}

/** Any active manager removes a manager (oneself: leaving). The last one gone, the record goes with its blobs. */
export async function removeManager(deps: Deps, accountId: string, vaultId: string, managerId: string, update: VaultManifestUpdate): Promise<void> {
  const now = deps.clock();
  const blobIds = await deps.storage.transaction(async (tx) => {
    const { vaultManagers } = tx.tables;
    const vault = await requireManagedRecord(tx, accountId, vaultId, now);
    const target = first(await tx.select({ accountId: vaultManagers.accountId }).from(vaultManagers)
      .where(and(eq(vaultManagers.vaultId, vaultId), eq(vaultManagers.accountId, managerId))).limit(1));
    if (target === undefined) throw new ApiError('NOT_FOUND');
    await advanceManifest(tx, vault, update);
    return releaseManager(tx, vault, managerId, now);
  });
  await drainPendingDeletions(deps.storage, deps.blobs, blobIds);
}

/**
 * Inside a transaction: drops the account's manager row of a managed record. If nobody is left the record is
 * deleted (its blobs queued; returned); otherwise owner_account_id moves to the longest-standing remaining
 * manager when it named this account, so the account's cascade cannot take the record with it.
 */
export async function releaseManager(tx: Tx, vault: VaultRow, accountId: string, now: number): Promise<string[]> {
  const { vaultManagers, vaults } = tx.tables;
  await tx.delete(vaultManagers).where(and(eq(vaultManagers.vaultId, vault.id), eq(vaultManagers.accountId, accountId)));
  const next = first(await tx.select({ accountId: vaultManagers.accountId }).from(vaultManagers)
    .where(and(eq(vaultManagers.vaultId, vault.id), ne(vaultManagers.accountId, accountId)))
    .orderBy(asc(vaultManagers.createdAt), asc(vaultManagers.accountId))
    .limit(1));
  if (next === undefined) return deleteVaultRows(tx, vault.id, now);
  if (vault.ownerAccountId === accountId) await tx.update(vaults).set({ ownerAccountId: next.accountId }).where(eq(vaults.id, vault.id));
  return [];
}

/** Inside a transaction: queues every blob of the vault (versions, uploads) and deletes the vault row (the rest cascades). */
export async function deleteVaultRows(tx: Tx, vaultId: string, now: number): Promise<string[]> {
  const { documentVersions, pendingBlobDeletions, uploads, vaults } = tx.tables;
  const ids = [
    ...await tx.select({ blobId: documentVersions.blobId }).from(documentVersions).where(eq(documentVersions.vaultId, vaultId)),
    ...await tx.select({ blobId: uploads.blobId }).from(uploads).where(eq(uploads.vaultId, vaultId)),
  ].map((row) => row.blobId);
  for (let start = 0; start < ids.length; start += QUEUE_SLICE) {
    await tx.insert(pendingBlobDeletions).values(ids.slice(start, start + QUEUE_SLICE).map((blobId) => ({ blobId, queuedAt: now })));
  }
  await tx.delete(vaults).where(eq(vaults.id, vaultId));
  return ids;
}

/** Every manager of the record (inactive ones too), with their account bundle, longest-standing first. */
export async function listManagers(deps: Deps, accountId: string, vaultId: string): Promise<Manager[]> {
  return deps.storage.transaction(async (tx) => {
    const { accounts, vaultManagers } = tx.tables;
    await requireManagedRecord(tx, accountId, vaultId, deps.clock());
    return (await tx.select({ manager: vaultManagers, publicBundle: accounts.publicBundle }).from(vaultManagers)
      .innerJoin(accounts, eq(accounts.id, vaultManagers.accountId))
      .where(eq(vaultManagers.vaultId, vaultId))
      .orderBy(asc(vaultManagers.createdAt), asc(vaultManagers.accountId)))
      .map(({ manager, publicBundle }) => ({
        accountId: manager.accountId,
        publicBundle: toBase64url(publicBundle),
        startsAt: manager.startsAt,
        endsAt: manager.endsAt,
        createdAt: manager.createdAt,
      }));
  });
}
