// Grant wraps and grant lists inside a transaction: used by grant create/update (grants.ts) and by an
// upload commit that wraps the new version for the vault's grants (documents.ts). The wraps and the list
// are opaque bytes here; the recipient checks that the list (owner-signed) and the served wraps agree.
import { and, eq, inArray } from 'drizzle-orm';
import { fromBase64url } from '../../shared/binary.ts';
import type { GrantListUpdate } from '../../shared/grant-parts.ts';
import type { GrantWrap } from '../../shared/grants.ts';
import { ApiError } from '../http-error.ts';
import { first, type Tx } from '../storage/database.ts';
import type { GrantRow } from './vaults.ts';

/** Wraps checked and inserted per slice: a few queries per 500 wraps, within every engine's parameter limit. */
const WRAP_SLICE = 500;

/** The grant of this vault; NOT_FOUND for an unknown id or one of another vault. */
export async function requireGrant(tx: Tx, vaultId: string, grantId: string): Promise<GrantRow> {
  const { grants } = tx.tables;
  const row = first(await tx.select().from(grants).where(and(eq(grants.vaultId, vaultId), eq(grants.id, grantId))).limit(1));
  if (row === undefined) throw new ApiError('NOT_FOUND');
  return row;
}

/** Stores the next list: CONFLICT unless its sequence is the stored one + 1 (checked again in the UPDATE). */
export async function advanceGrantList(tx: Tx, grant: GrantRow, update: GrantListUpdate): Promise<void> {
  if (update.sequence !== grant.listSequence + 1) throw new ApiError('CONFLICT');
  const { grants } = tx.tables;
  const changed = await tx.update(grants)
    .set({ list: Buffer.from(fromBase64url(update.list)), listSequence: update.sequence })
    .where(and(eq(grants.vaultId, grant.vaultId), eq(grants.id, grant.id), eq(grants.listSequence, grant.listSequence)))
    .returning({ id: grants.id });
  if (changed.length !== 1) throw new ApiError('CONFLICT');
}

const pairKey = (documentId: string, version: number) => `${documentId}/${String(version)}`;

/**
 * Inserts wraps of existing versions of the vault: NOT_FOUND for a version that does not exist, CONFLICT for
 * a (document, version) this grant already wraps or that the request names twice. The first offending wrap
 * in request order decides which.
 */
export async function insertWraps(tx: Tx, grant: GrantRow, wraps: readonly GrantWrap[]): Promise<void> {
  const seen = new Set<string>();
  for (const wrap of wraps) {
    const key = pairKey(wrap.documentId, wrap.version);
    if (seen.has(key)) throw new ApiError('CONFLICT');
    seen.add(key);
  }
  // 10,000 wraps in one request: one lookup of the versions, one of the existing wraps and one insert per slice.
  for (let start = 0; start < wraps.length; start += WRAP_SLICE) await insertWrapSlice(tx, grant, wraps.slice(start, start + WRAP_SLICE));
}

async function insertWrapSlice(tx: Tx, grant: GrantRow, slice: readonly GrantWrap[]): Promise<void> {
  const { documentVersions, grantWraps } = tx.tables;
  const documentIds = [...new Set(slice.map((wrap) => wrap.documentId))];
  const versions = [...new Set(slice.map((wrap) => wrap.version))];
  // By document and version separately (portable, no row values): a few extra pairs may come back, the keys sort them out.
  const existing = await tx.select({ documentId: documentVersions.documentId, version: documentVersions.version }).from(documentVersions)
    .where(and(eq(documentVersions.vaultId, grant.vaultId), inArray(documentVersions.documentId, documentIds), inArray(documentVersions.version, versions)));
  const wrapped = await tx.select({ documentId: grantWraps.documentId, version: grantWraps.version }).from(grantWraps)
    .where(and(eq(grantWraps.vaultId, grant.vaultId), eq(grantWraps.grantId, grant.id), inArray(grantWraps.documentId, documentIds), inArray(grantWraps.version, versions)));
  const exists = new Set(existing.map((row) => pairKey(row.documentId, row.version)));
  const alreadyWrapped = new Set(wrapped.map((row) => pairKey(row.documentId, row.version)));
  for (const wrap of slice) {
    const key = pairKey(wrap.documentId, wrap.version);
    if (alreadyWrapped.has(key)) throw new ApiError('CONFLICT');
    if (!exists.has(key)) throw new ApiError('NOT_FOUND');
  }
  if (slice.length === 0) return;
  await tx.insert(grantWraps).values(slice.map((wrap) => ({
    vaultId: grant.vaultId, grantId: grant.id, documentId: wrap.documentId, version: wrap.version, wrap: Buffer.from(fromBase64url(wrap.wrap)),
  })));
}

/** Drops every wrap of these documents from the grant (all their versions). */
export async function removeDocumentWraps(tx: Tx, grant: GrantRow, documentIds: readonly string[]): Promise<void> {
  const { grantWraps } = tx.tables;
  const unique = [...new Set(documentIds)];
  // Bound-parameter limits: delete in slices.
  for (let start = 0; start < unique.length; start += 500) {
    await tx.delete(grantWraps).where(and(eq(grantWraps.vaultId, grant.vaultId), eq(grantWraps.grantId, grant.id), inArray(grantWraps.documentId, unique.slice(start, start + 500))));
  }
}

/** A commit's `grants`: the committed version's wrap into each named grant of the vault, with its next list. */
export async function addCommittedWraps(tx: Tx, vaultId: string, documentId: string, version: number, entries: readonly { grantId: string; wrap: string; list: GrantListUpdate }[]): Promise<void> {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.grantId)) throw new ApiError('CONFLICT');
    seen.add(entry.grantId);
    const grant = await requireGrant(tx, vaultId, entry.grantId);
    await advanceGrantList(tx, grant, entry.list);
    await insertWraps(tx, grant, [{ documentId, version, wrap: entry.wrap }]);
  }
}
