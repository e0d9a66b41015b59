// Access history: each envelope or payload read is appended as the next link of its vault's hash chain
// (crypto/access-chain.ts), in one transaction with reading the previous link, so links never fork. Rows are
// never changed (a trigger refuses UPDATE) and go only with their vault. Readable by the vault's managers,
// oldest first, with the last checkpoint a manager signed over the chain (ATK-33).
import { and, asc, eq, gt } from 'drizzle-orm';
import { accessEventHash, openHistoryCheckpoint } from '../../crypto/access-chain.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import { verifyPublicBundle } from '../../crypto/identity.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import type { AccessAction, AccessEvent, HistoryCheckpointResponse, HistoryResponse } from '../../shared/history.ts';
import { ApiError } from '../http-error.ts';
import { lastLink } from '../storage/access-links.ts';
import { first, type Tx } from '../storage/database.ts';
import type { Deps } from './deps.ts';
import { requireManagedVault, type VaultRow } from './vaults.ts';

export interface AccessRecord {
  vaultId: string;
  actorAccountId: string;
  action: AccessAction;
  documentId: string;
  version: number;
}

/** Appends after the vault's other appends, one at a time: many reads of one vault at once all land. */
export async function appendAccess(deps: Deps, record: AccessRecord): Promise<void> {
  await deps.storage.transaction((tx) => appendLink(tx, record, deps.clock()), { serializeOn: `access-history:${record.vaultId}` });
}

/** Inside a transaction: the next link after the vault's last chained event. */
async function appendLink(tx: Tx, record: AccessRecord, at: number): Promise<void> {
  const { accessEvents } = tx.tables;
  const last = await lastLink(tx, record.vaultId);
  const sequence = last.sequence + 1;
  const chainHash = accessEventHash(record.vaultId, last.hash, { ...record, sequence, at });
  await tx.insert(accessEvents).values({ ...record, at, sequence, chainHash: Buffer.from(chainHash) });
}

/** A page of events after `cursor` (an event id); the caller has checked the vault is managed. */
export async function listAccess(deps: Deps, vaultId: string, cursor: number, limit: number): Promise<HistoryResponse> {
  const { accessEvents } = deps.storage.tables;
  const rows = await deps.storage.read
    .select()
    .from(accessEvents)
    .where(and(eq(accessEvents.vaultId, vaultId), gt(accessEvents.id, cursor)))
    .orderBy(asc(accessEvents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const events: AccessEvent[] = page.map((row) => ({
    eventId: row.id,
    sequence: row.sequence,
    actorAccountId: row.actorAccountId,
    action: row.action as AccessAction,
    documentId: row.documentId,
    version: row.version,
    at: row.at,
    chainHash: toBase64url(row.chainHash),
  }));
  const last = page.at(-1);
  return { events, nextCursor: rows.length > limit && last !== undefined ? String(last.id) : null };
}

export async function historyCheckpoint(deps: Deps, accountId: string, vaultId: string): Promise<HistoryCheckpointResponse> {
  const vault = await requireManagedVault(deps.storage.read, accountId, vaultId, deps.clock());
  return { checkpoint: vault.historyCheckpoint === null ? null : toBase64url(vault.historyCheckpoint) };
}

/**
 * Stores a newer checkpoint signed by the caller, a manager of the vault. The server checks what it can
 * (signature, vault, that it matches its own chain) so that a broken client cannot store a checkpoint the
 * others would then refuse; the clients check again, trusting none of this. BAD_REQUEST when it does not
 * verify or match, CONFLICT when it is not newer than the stored one.
 */
export async function putHistoryCheckpoint(deps: Deps, accountId: string, vaultId: string, encoded: string): Promise<void> {
  const bytes = fromBase64url(encoded);
  await deps.storage.transaction(async (tx) => {
    const { accessEvents, vaults } = tx.tables;
    const vault = await requireManagedVault(tx, accountId, vaultId, deps.clock());
    const checkpoint = await openSignedBy(tx, accountId, vault, bytes);
    if (checkpoint.sequence <= vault.historyCheckpointSequence) throw new ApiError('CONFLICT');
    const link = first(await tx
      .select({ chainHash: accessEvents.chainHash })
      .from(accessEvents)
      .where(and(eq(accessEvents.vaultId, vaultId), eq(accessEvents.sequence, checkpoint.sequence)))
      .limit(1));
    if (link === undefined || !Buffer.from(checkpoint.hash).equals(link.chainHash)) throw new ApiError('BAD_REQUEST');
    await tx.update(vaults)
      .set({ historyCheckpoint: Buffer.from(bytes), historyCheckpointSequence: checkpoint.sequence })
      .where(eq(vaults.id, vaultId));
  });
}

/** A personal vault's checkpoints are signed by its owner's account key; a managed record's by the record's own key. */
async function openSignedBy(tx: Tx, accountId: string, vault: VaultRow, bytes: Uint8Array) {
  const { accounts } = tx.tables;
  const signerBundle = vault.publicBundle ?? first(await tx.select({ publicBundle: accounts.publicBundle }).from(accounts).where(eq(accounts.id, accountId)).limit(1))?.publicBundle;
  if (signerBundle === undefined) throw new ApiError('NOT_FOUND');
  try {
    const bundle = verifyPublicBundle(new Uint8Array(signerBundle));
    return openHistoryCheckpoint(bytes, vault.id, new Map([[bundle.accountId, bundle.signingPublicKey]]));
  } catch (error) {
    if (isCryptoError(error)) throw new ApiError('BAD_REQUEST');
    throw error;
  }
}
