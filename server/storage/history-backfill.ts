// Links access events written before the history was a hash chain (sequence 0) into their vault's chain,
// oldest first, once, at start-up and in one transaction: an upgraded server keeps every past read, now
// covered by the chain like the new ones. The trigger lets a row be updated only while its sequence is 0.
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { accessEventHash, ACCESS_CHAIN_GENESIS } from '../../crypto/access-chain.ts';
import type { AccessAction } from '../../shared/history.ts';
import type { Db, Tx } from './database.ts';
import { accessEvents } from './schema.ts';

/** Returns how many events it linked. */
export function linkUnchainedEvents(db: Db): number {
  return db.transaction((tx) => {
    const unchained = tx.select().from(accessEvents).where(eq(accessEvents.sequence, 0)).orderBy(asc(accessEvents.id)).all();
    const heads = new Map<string, { sequence: number; hash: Uint8Array }>();
    for (const row of unchained) {
      const head = heads.get(row.vaultId) ?? lastLink(tx, row.vaultId);
      const sequence = head.sequence + 1;
      const hash = accessEventHash(row.vaultId, head.hash, { ...row, action: row.action as AccessAction, sequence });
      tx.update(accessEvents).set({ sequence, chainHash: Buffer.from(hash) }).where(eq(accessEvents.id, row.id)).run();
      heads.set(row.vaultId, { sequence, hash });
    }
    return unchained.length;
  });
}

function lastLink(tx: Tx, vaultId: string): { sequence: number; hash: Uint8Array } {
  const last = tx
    .select({ sequence: accessEvents.sequence, chainHash: accessEvents.chainHash })
    .from(accessEvents)
    .where(and(eq(accessEvents.vaultId, vaultId), gt(accessEvents.sequence, 0)))
    .orderBy(desc(accessEvents.sequence))
    .limit(1)
    .get();
  return last === undefined ? { sequence: 0, hash: ACCESS_CHAIN_GENESIS } : { sequence: last.sequence, hash: new Uint8Array(last.chainHash) };
}
