// Grant wraps and grant lists inside a transaction: used by grant create/update (grants.ts) and by an
// upload commit that wraps the new version for the vault's grants (documents.ts). The wraps and the list
// are opaque bytes here; the recipient checks that the list (owner-signed) and the served wraps agree.
import type Database from 'better-sqlite3';
import { and, eq, inArray } from 'drizzle-orm';
import { fromBase64url } from '../../shared/binary.ts';
import type { GrantListUpdate } from '../../shared/grant-parts.ts';
import type { GrantWrap } from '../../shared/grants.ts';
import { ApiError } from '../http-error.ts';
import type { Tx } from '../storage/database.ts';
import { grants, grantWraps } from '../storage/schema.ts';
import type { GrantRow } from './vaults.ts';

/** The grant of this vault; NOT_FOUND for an unknown id or one of another vault. */
export function requireGrant(tx: Tx, vaultId: string, grantId: string): GrantRow {
  const row = tx.select().from(grants).where(and(eq(grants.vaultId, vaultId), eq(grants.id, grantId))).get();
  if (row === undefined) throw new ApiError('NOT_FOUND');
  return row;
}

/** Stores the next list: CONFLICT unless its sequence is the stored one + 1 (checked again in the UPDATE). */
export function advanceGrantList(tx: Tx, grant: GrantRow, update: GrantListUpdate): void {
  if (update.sequence !== grant.listSequence + 1) throw new ApiError('CONFLICT');
  const changed = tx.update(grants)
    .set({ list: Buffer.from(fromBase64url(update.list)), listSequence: update.sequence })
    .where(and(eq(grants.vaultId, grant.vaultId), eq(grants.id, grant.id), eq(grants.listSequence, grant.listSequence)))
    .run().changes;
  if (changed !== 1) throw new ApiError('CONFLICT');
}

/**
 * Inserts wraps of existing versions of the vault: NOT_FOUND for a version that does not exist, CONFLICT for
 * a (document, version) this grant already wraps or that the request names twice.
 */
export function insertWraps(sqlite: Database.Database, grant: GrantRow, wraps: readonly GrantWrap[]): void {
  const seen = new Set<string>();
  for (const wrap of wraps) {
    const key = `${wrap.documentId}/${wrap.version}`;
    if (seen.has(key)) throw new ApiError('CONFLICT');
    seen.add(key);
  }
  // Raw prepared statements on the connection of the open transaction: 10,000 wraps in one request stay fast.
  const exists = sqlite.prepare('SELECT 1 FROM grant_wraps WHERE vault_id = ? AND grant_id = ? AND document_id = ? AND version = ?').pluck();
  const insert = sqlite.prepare(
    'INSERT INTO grant_wraps (vault_id, grant_id, document_id, version, wrap) SELECT vault_id, ?, document_id, version, ? ' +
    'FROM document_versions WHERE vault_id = ? AND document_id = ? AND version = ?',
  );
  for (const wrap of wraps) {
    if (exists.get(grant.vaultId, grant.id, wrap.documentId, wrap.version) !== undefined) throw new ApiError('CONFLICT');
    const result = insert.run(grant.id, Buffer.from(fromBase64url(wrap.wrap)), grant.vaultId, wrap.documentId, wrap.version);
    if (result.changes !== 1) throw new ApiError('NOT_FOUND');
  }
}

/** Drops every wrap of these documents from the grant (all their versions). */
export function removeDocumentWraps(tx: Tx, grant: GrantRow, documentIds: readonly string[]): void {
  const unique = [...new Set(documentIds)];
  // SQLite's bound-parameter limit: delete in slices.
  for (let start = 0; start < unique.length; start += 500) {
    tx.delete(grantWraps).where(and(eq(grantWraps.vaultId, grant.vaultId), eq(grantWraps.grantId, grant.id), inArray(grantWraps.documentId, unique.slice(start, start + 500)))).run();
  }
}

/** A commit's `grants`: the committed version's wrap into each named grant of the vault, with its next list. */
export function addCommittedWraps(tx: Tx, sqlite: Database.Database, vaultId: string, documentId: string, version: number, entries: readonly { grantId: string; wrap: string; list: GrantListUpdate }[]): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.grantId)) throw new ApiError('CONFLICT');
    seen.add(entry.grantId);
    const grant = requireGrant(tx, vaultId, entry.grantId);
    advanceGrantList(tx, grant, entry.list);
    insertWraps(sqlite, grant, [{ documentId, version, wrap: entry.wrap }]);
  }
}
