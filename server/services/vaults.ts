// Vault rules: who may touch a vault (the owner of a personal vault or an active manager of a managed record;
// the recipient of an active grant may read what the grant names, and a contributor may add pending
// documents; anyone else gets NOT_FOUND, never FORBIDDEN, so ids of others' vaults reveal nothing), and the
// manifest sequence: a new owner-signed manifest is stored only at exactly the current sequence + 1, inside
// the transaction of the change it describes.
import { and, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { VaultManifestResponse, VaultManifestUpdate, VaultSummary } from '../../shared/vaults.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { ApiError } from '../http-error.ts';
import type { Db, Tx } from '../storage/database.ts';
import { grants, vaultManagers, vaults } from '../storage/schema.ts';
import type { Deps } from './deps.ts';

export type VaultRow = typeof vaults.$inferSelect;
export type GrantRow = typeof grants.$inferSelect;

/** The caller's personal vault(s), then the managed records where the caller's manager row is active. */
export function listVaults(deps: Deps, accountId: string): VaultSummary[] {
  const db = deps.storage.db;
  const owned = db
    .select({ vaultId: vaults.id, manifestSequence: vaults.manifestSequence })
    .from(vaults)
    .where(and(eq(vaults.ownerAccountId, accountId), isNull(vaults.publicBundle)))
    .orderBy(vaults.createdAt, vaults.id)
    .all()
    .map((row): VaultSummary => ({ ...row, role: 'owner', publicBundle: null, managerEnvelope: null, label: null, startsAt: null, endsAt: null }));
  const managed = db
    .select({ vault: vaults, manager: vaultManagers })
    .from(vaultManagers)
    .innerJoin(vaults, eq(vaults.id, vaultManagers.vaultId))
    .where(and(eq(vaultManagers.accountId, accountId), activeManager(deps.clock())))
    .orderBy(vaultManagers.createdAt, vaults.id)
    .all()
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

/** A manager row in force at `now`: started (or no start) and not ended (or no end). */
export function activeManager(now: number) {
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
export function requireManagedVault(db: Db | Tx, accountId: string, vaultId: string, now: number): VaultRow {
  const vault = db.select().from(vaults).where(eq(vaults.id, vaultId)).get();
  if (vault === undefined || !managesVault(db, vault, accountId, now)) throw new ApiError('NOT_FOUND');
  return vault;
}

function managesVault(db: Db | Tx, vault: VaultRow, accountId: string, now: number): boolean {
  if (!isManagedVault(vault)) return vault.ownerAccountId === accountId;
  const row = db.select({ accountId: vaultManagers.accountId }).from(vaultManagers)
    .where(and(eq(vaultManagers.vaultId, vault.id), eq(vaultManagers.accountId, accountId), activeManager(now)))
    .get();
  return row !== undefined;
}

/** The caller's grant on the vault if it is active (no end date, or one still ahead of `now`); null otherwise. */
export function activeGrant(db: Db | Tx, accountId: string, vaultId: string, now: number): GrantRow | null {
  return db.select().from(grants)
    .where(and(eq(grants.vaultId, vaultId), eq(grants.recipientAccountId, accountId), or(isNull(grants.endsAt), gt(grants.endsAt, now))))
    .get() ?? null;
}

/**
 * The vault for a read: its manager (grant null), or the recipient of an active grant on it (with that
 * grant). NOT_FOUND otherwise, so an ended share looks like one that never existed.
 */
export function requireReadableVault(db: Db | Tx, accountId: string, vaultId: string, now: number): { vault: VaultRow; grant: GrantRow | null } {
  const vault = db.select().from(vaults).where(eq(vaults.id, vaultId)).get();
  if (vault === undefined) throw new ApiError('NOT_FOUND');
  if (managesVault(db, vault, accountId, now)) return { vault, grant: null };
  const grant = activeGrant(db, accountId, vaultId, now);
  if (grant === null) throw new ApiError('NOT_FOUND');
  return { vault, grant };
}

/** The current manifest, for the vault's manager or an active grant's recipient (who verifies its share list). */
export function vaultManifest(deps: Deps, accountId: string, vaultId: string): VaultManifestResponse {
  const row = requireReadableVault(deps.storage.db, accountId, vaultId, deps.clock()).vault;
  return { vaultId, sequence: row.manifestSequence, manifest: row.manifest === null ? null : toBase64url(row.manifest) };
}

/** Inside a transaction: CONFLICT unless update.sequence = current + 1; then stores the manifest. */
export function advanceManifest(tx: Tx, vault: VaultRow, update: VaultManifestUpdate): void {
  if (update.sequence !== vault.manifestSequence + 1) throw new ApiError('CONFLICT');
  const changed = tx
    .update(vaults)
    .set({ manifestSequence: update.sequence, manifest: Buffer.from(fromBase64url(update.manifest)) })
    .where(and(eq(vaults.id, vault.id), eq(vaults.manifestSequence, vault.manifestSequence)))
    .run().changes;
  if (changed !== 1) throw new ApiError('CONFLICT');
}

/** A manifest change with no record change (the first manifest, a share list change later). */
export function putManifest(deps: Deps, accountId: string, vaultId: string, update: VaultManifestUpdate): void {
  deps.storage.db.transaction((tx) => {
    advanceManifest(tx, requireManagedVault(tx, accountId, vaultId, deps.clock()), update);
  });
}

/** The caller's active grant on the vault if its role is contributor; NOT_FOUND otherwise (ended, revoked, reader). */
export function requireContributorGrant(db: Db | Tx, accountId: string, vaultId: string, now: number): GrantRow {
  const grant = activeGrant(db, accountId, vaultId, now);
  if (grant?.role !== 'contributor') throw new ApiError('NOT_FOUND');
  return grant;
}
