// The last link of a vault's access-history chain (crypto/access-chain.ts): where the next event attaches.
// Shared by the service that appends reads and the start-up backfill of older rows.
import { and, desc, eq, gt } from 'drizzle-orm';
import { ACCESS_CHAIN_GENESIS, type HistoryHead } from '../../crypto/access-chain.ts';
import { first, type Tx } from './database.ts';

/** Sequence 0 and the genesis hash when the vault has no chained event yet. */
export async function lastLink(tx: Tx, vaultId: string): Promise<HistoryHead> {
  const { accessEvents } = tx.tables;
  const last = first(await tx
    .select({ sequence: accessEvents.sequence, chainHash: accessEvents.chainHash })
    .from(accessEvents)
    .where(and(eq(accessEvents.vaultId, vaultId), gt(accessEvents.sequence, 0)))
    .orderBy(desc(accessEvents.sequence))
    .limit(1));
  return last === undefined ? { sequence: 0, hash: ACCESS_CHAIN_GENESIS } : { sequence: last.sequence, hash: new Uint8Array(last.chainHash) };
}
