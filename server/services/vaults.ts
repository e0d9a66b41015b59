// Vault rules: who may touch a vault (the owner of a personal vault or an active manager of a managed record;
// the recipient of an active grant may read what the grant names, and a contributor may add pending
// documents; anyone else gets NOT_FOUND, never FORBIDDEN, so ids of others' vaults reveal nothing), and the
// manifest sequence: a new owner-signed manifest is stored only at exactly the current sequence + 1, inside
// the transaction of the change it describes.
import { and, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { VaultManifestResponse, VaultManifestUpdate, VaultSummary } from '../../shared/vaults.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { ApiError } from '../http-error.ts';
import { first, type Db, type Tables, type Tx } from '../storage/database.ts';
import type { grants, vaults } from '../storage/schema.ts';
import type { Deps } from './deps.ts';

export type VaultRow = typeof vaults.$inferSelect;
export type GrantRow = typeof grants.$inferSelect;

/** The caller's personal vault(s), then the managed records where the caller's manager row is active. */
export async function listVaults(deps: Deps, accountId: string): Promise<VaultSummary[]> {
  const db = deps.storage.read;
  const { vaultManagers, vaults } = db.tables;
  const owned = (await db
    .select({ vaultId: vaults.id, manifestSequence: vaults.manifestSequence })
    .from(vaults)
    .where(and(eq(vaults.ownerAccountId, accountId), isNull(vaults.publicBundle)))
    .orderBy(vaults.createdAt, vaults.id))
    .map((row): VaultSummary => ({ ...row, role: 'owner', publicBundle: null, managerEnvelope: null, label: null, startsAt: null, endsAt: null }));
  const managed = (await db
    .select({ vault: vaults, manager: vaultManagers })
    .from(vaultManagers)
    .innerJoin(vaults, eq(vaults.id, vaultManagers.vaultId))
    .where(and(eq(vaultManagers.accountId, accountId), activeManager(vaultManagers, deps.clock())))
    .orderBy(vaultManagers.createdAt, vaults.id))
    .map(({ vault, manager }): VaultSummary => ({
      vaultId: vault.id,
      role: 'manager',
      manifestSequence: vault.manifestSequence,
      publicBundle: vault.publicBundle === null ? null : toBase64url(vault.publicBundle),
      managerEnvelope: toBase64url(manager.envelope),
      label: vault.label === null ? null : toBase64url(vault.label),
      startsAt: manager.startsAt,
      endsAt: manager.endsAt,
    }));
  return [...owned, ...managed];
}

/** A manager row in force at `now`: started (or no start) and not ended (or no end); `vaultManagers` is the engine's table. */
export function activeManager(vaultManagers: Tables['vaultManagers'], now: number) {
  return and(or(isNull(vaultManagers.startsAt), lte(vaultManagers.startsAt, now)), or(isNull(vaultManagers.endsAt), gt(vaultManagers.endsAt, now)));
}

/** A managed record (it has its own identity) rather than an account's personal vault. */
export function isManagedVault(vault: VaultRow): boolean {
  return vault.publicBundle !== null;
}

/**
 * The vault if `accountId` manages it at `now`: the owner of a personal vault, or an active manager of a
 * managed record (its owner_account_id alone gives nothing). NOT_FOUND otherwise (unknown, someone else's,
 * a manager not yet started or ended, alike).
 */
export async function requireManagedVault(db: Db, accountId: string, vaultId: string, now: number): Promise<VaultRow> {
  const vault = await vaultById(db, vaultId);
  if (vault === undefined || !(await managesVault(db, vault, accountId, now))) throw new ApiError('NOT_FOUND');
  return vault;
}

/** The vault row by id, on `db`: the read connection or a transaction. */
async function vaultById(db: Db, vaultId: string): Promise<VaultRow | undefined> {
  const { vaults } = db.tables;
  return first(await db.select().from(vaults).where(eq(vaults.id, vaultId)).limit(1));
}

async function managesVault(db: Db, vault: VaultRow, accountId: string, now: number): Promise<boolean> {
  if (!isManagedVault(vault)) return vault.ownerAccountId === accountId;
  const { vaultManagers } = db.tables;
  const row = first(await db.select({ accountId: vaultManagers.accountId }).from(vaultManagers)
    .where(and(eq(vaultManagers.vaultId, vault.id), eq(vaultManagers.accountId, accountId), activeManager(vaultManagers, now)))
    .limit(1));
  return row !== undefined;
}

/** The caller's grant on the vault if it is active (no end date, or one still ahead of `now`); null otherwise. */
export async function activeGrant(db: Db, accountId: string, vaultId: string, now: number): Promise<GrantRow | null> {
  const { grants } = db.tables;
  return first(await db.select().from(grants)
    .where(and(eq(grants.vaultId, vaultId), eq(grants.recipientAccountId, accountId), or(isNull(grants.endsAt), gt(grants.endsAt, now))))
    .limit(1)) ?? null;
}

/**
 * The vault for a read: its manager (grant null), or the recipient of an active grant on it (with that
 * grant). NOT_FOUND otherwise, so an ended share looks like one that never existed.
 */
export async function requireReadableVault(db: Db, accountId: string, vaultId: string, now: number): Promise<{ vault: VaultRow; grant: GrantRow | null }> {
  const vault = await vaultById(db, vaultId);
  if (vault === undefined) throw new ApiError('NOT_FOUND');
  if (await managesVault(db, vault, accountId, now)) return { vault, grant: null };
  const grant = await activeGrant(db, accountId, vaultId, now);
  if (grant === null) throw new ApiError('NOT_FOUND');
  return { vault, grant };
}

/** The current manifest, for the vault's manager or an active grant's recipient (who verifies its share list). */
export async function vaultManifest(deps: Deps, accountId: string, vaultId: string): Promise<VaultManifestResponse> {
  const row = (await requireReadableVault(deps.storage.read, accountId, vaultId, deps.clock())).vault;
  return { vaultId, sequence: row.manifestSequence, manifest: row.manifest === null ? null : toBase64url(row.manifest) };
}

/** Inside a transaction: CONFLICT unless update.sequence = current + 1; then stores the manifest. */
export async function advanceManifest(tx: Tx, vault: VaultRow, update: VaultManifestUpdate): Promise<void> {
  if (update.sequence !== vault.manifestSequence + 1) throw new ApiError('CONFLICT');
  const { vaults } = tx.tables;
  const changed = (await tx
    .update(vaults)
    .set({ manifestSequence: update.sequence, manifest: Buffer.from(fromBase64url(update.manifest)) })
    .where(and(eq(vaults.id, vault.id), eq(vaults.manifestSequence, vault.manifestSequence)))
    .returning({ id: vaults.id })).length;
  if (changed !== 1) throw new ApiError('CONFLICT');
}

/** A manifest change with no record change (the first manifest, a share list change later). */
export async function putManifest(deps: Deps, accountId: string, vaultId: string, update: VaultManifestUpdate): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    await advanceManifest(tx, await requireManagedVault(tx, accountId, vaultId, deps.clock()), update);
  });
}

/** The caller's active grant on the vault if its role is contributor; NOT_FOUND otherwise (ended, revoked, reader). */
export async function requireContributorGrant(db: Db, accountId: string, vaultId: string, now: number): Promise<GrantRow> {
  const grant = await activeGrant(db, accountId, vaultId, now);
  if (grant?.role !== 'contributor') throw new ApiError('NOT_FOUND');
  return grant;
}
