// Grants (shared/grants.ts): the owner creates, changes and revokes them, each change with its next signed
// grant list (and, when the share itself changes, the next vault manifest) in one transaction; the
// recipient lists the active ones addressed to them. Envelopes, scope, list and wraps are opaque bytes.
import { and, asc, eq, gt, isNull, or } from 'drizzle-orm';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import type { CreateGrantRequest, OwnedGrant, ReceivedGrant, UpdateGrantRequest } from '../../shared/grants.ts';
import type { VaultManifestUpdate } from '../../shared/vaults.ts';
import { ApiError } from '../http-error.ts';
import { first, type Tx } from '../storage/database.ts';
import type { Deps } from './deps.ts';
import { advanceGrantList, insertWraps, removeDocumentWraps, requireGrant } from './grant-wraps.ts';
import { advanceManifest, requireManagedVault } from './vaults.ts';

const bytes = (encoded: string) => Buffer.from(fromBase64url(encoded));
const grantRole = (stored: string): GrantRole => (stored === 'contributor' ? 'contributor' : 'reader');
type GrantRole = OwnedGrant['role'];

/**
 * BAD_REQUEST for the caller as recipient; CONFLICT when the recipient already has a grant here, the grant
 * id is taken, the list sequence is not 1 or the manifest sequence is stale; NOT_FOUND (as for an unknown
 * vault) unless the recipient is a practitioner with a directory profile or accepted a share invite of this
 * vault, so that a grant never tells whether some account exists (ATK-28). The recipient's accepted
 * share invites of this vault go with the grant's creation.
 */
export async function createGrant(deps: Deps, accountId: string, vaultId: string, request: CreateGrantRequest): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    const { grants, vaultInvites } = tx.tables;
    const vault = await requireManagedVault(tx, accountId, vaultId, deps.clock());
    if (request.recipientAccountId === accountId) throw new ApiError('BAD_REQUEST');
    // The vault's own grants first: telling the owner of a grant it made reveals nothing.
    const clash = first(await tx.select({ id: grants.id }).from(grants)
      .where(and(eq(grants.vaultId, vaultId), or(eq(grants.recipientAccountId, request.recipientAccountId), eq(grants.id, request.grantId)))).limit(1));
    if (clash !== undefined || request.list.sequence !== 1) throw new ApiError('CONFLICT');
    if (!(await mayReceiveGrant(tx, vaultId, request.recipientAccountId))) throw new ApiError('NOT_FOUND');
    await advanceManifest(tx, vault, request.vaultManifest);
    const row = {
      vaultId,
      id: request.grantId,
      recipientAccountId: request.recipientAccountId,
      role: request.role,
      createdAt: deps.clock(),
      endsAt: request.endsAt,
      recipientEnvelope: bytes(request.recipientEnvelope),
      ownerEnvelope: bytes(request.ownerEnvelope),
      scope: bytes(request.scope),
      list: bytes(request.list.list),
      listSequence: 1,
    };
    await tx.insert(grants).values(row);
    await insertWraps(tx, row, request.wraps);
    await tx.delete(vaultInvites).where(acceptedShareInvite(tx, vaultId, request.recipientAccountId));
  });
}

/** A practitioner listed in the directory, or a relative who accepted a share invite of this vault. */
async function mayReceiveGrant(tx: Tx, vaultId: string, recipientAccountId: string): Promise<boolean> {
  const { practitionerProfiles, vaultInvites } = tx.tables;
  const practitioner = first(await tx.select({ id: practitionerProfiles.accountId }).from(practitionerProfiles).where(eq(practitionerProfiles.accountId, recipientAccountId)).limit(1));
  if (practitioner !== undefined) return true;
  return first(await tx.select({ id: vaultInvites.id }).from(vaultInvites).where(acceptedShareInvite(tx, vaultId, recipientAccountId)).limit(1)) !== undefined;
}

function acceptedShareInvite(tx: Tx, vaultId: string, inviteeAccountId: string) {
  const { vaultInvites } = tx.tables;
  return and(eq(vaultInvites.vaultId, vaultId), eq(vaultInvites.purpose, 'share'), eq(vaultInvites.inviteeAccountId, inviteeAccountId));
}

/** Next list (CONFLICT unless stored + 1), removed documents' wraps dropped, then new wraps; optional scope, end date, manifest. */
export async function updateGrant(deps: Deps, accountId: string, vaultId: string, grantId: string, request: UpdateGrantRequest): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    const { grants } = tx.tables;
    const vault = await requireManagedVault(tx, accountId, vaultId, deps.clock());
    const grant = await requireGrant(tx, vaultId, grantId);
    await advanceGrantList(tx, grant, request.list);
    if (request.vaultManifest !== undefined) await advanceManifest(tx, vault, request.vaultManifest);
    const changes = {
      ...(request.scope === undefined ? {} : { scope: bytes(request.scope) }),
      ...(request.endsAt === undefined ? {} : { endsAt: request.endsAt }),
      ...(request.role === undefined ? {} : { role: request.role }),
    };
    if (Object.keys(changes).length > 0) await tx.update(grants).set(changes).where(and(eq(grants.vaultId, vaultId), eq(grants.id, grantId)));
    await removeDocumentWraps(tx, grant, request.removeDocuments);
    await insertWraps(tx, grant, request.wraps);
  });
}

/** The grant and its wraps go, with the manifest that no longer lists the share. */
export async function revokeGrant(deps: Deps, accountId: string, vaultId: string, grantId: string, update: VaultManifestUpdate): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    const { grants } = tx.tables;
    const vault = await requireManagedVault(tx, accountId, vaultId, deps.clock());
    await requireGrant(tx, vaultId, grantId);
    await advanceManifest(tx, vault, update);
    await tx.delete(grants).where(and(eq(grants.vaultId, vaultId), eq(grants.id, grantId)));
  });
}

/** Every grant of the vault, ended ones too, oldest first. */
export async function listOwnedGrants(deps: Deps, accountId: string, vaultId: string): Promise<OwnedGrant[]> {
  const db = deps.storage.read;
  const { grants } = db.tables;
  await requireManagedVault(db, accountId, vaultId, deps.clock());
  const rows = await db.select().from(grants).where(eq(grants.vaultId, vaultId)).orderBy(asc(grants.createdAt), asc(grants.id));
  return rows.map((row) => ({
    grantId: row.id,
    recipientAccountId: row.recipientAccountId,
    role: grantRole(row.role),
    createdAt: row.createdAt,
    endsAt: row.endsAt,
    ownerEnvelope: toBase64url(row.ownerEnvelope),
    scope: toBase64url(row.scope),
    list: { sequence: row.listSequence, list: toBase64url(row.list) },
  }));
}

/** The active grants addressed to the caller, with each owner's bundle; never the owner envelope or scope. */
export async function listReceivedGrants(deps: Deps, accountId: string): Promise<ReceivedGrant[]> {
  const now = deps.clock();
  const { accounts, grants, vaults } = deps.storage.tables;
  const rows = await deps.storage.read
    .select({ grant: grants, accountId: accounts.id, accountBundle: accounts.publicBundle, vaultBundle: vaults.publicBundle })
    .from(grants)
    .innerJoin(vaults, eq(vaults.id, grants.vaultId))
    .innerJoin(accounts, eq(accounts.id, vaults.ownerAccountId))
    .where(and(eq(grants.recipientAccountId, accountId), or(isNull(grants.endsAt), gt(grants.endsAt, now))))
    .orderBy(asc(grants.createdAt), asc(grants.vaultId), asc(grants.id));
  return rows
    // A managed record signs with its own identity: its owner, for the recipient, is the record itself.
    .map(({ grant, accountId: ownerAccount, accountBundle, vaultBundle }) => ({
      vaultId: grant.vaultId,
      grantId: grant.id,
      ownerAccountId: vaultBundle === null ? ownerAccount : grant.vaultId,
      ownerPublicBundle: toBase64url(vaultBundle ?? accountBundle),
      role: grantRole(grant.role),
      createdAt: grant.createdAt,
      endsAt: grant.endsAt,
      recipientEnvelope: toBase64url(grant.recipientEnvelope),
      list: { sequence: grant.listSequence, list: toBase64url(grant.list) },
    }));
}
