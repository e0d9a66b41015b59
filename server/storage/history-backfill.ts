// Links access events written before the history was a hash chain (sequence 0) into their vault's chain,
// oldest first, once, at start-up and in one transaction: an upgraded server keeps every past read, now
// covered by the chain like the new ones. The trigger lets a row be updated only while its sequence is 0.
import { asc, eq } from 'drizzle-orm';
import { accessEventHash, type HistoryHead } from '../../crypto/access-chain.ts';
import type { AccessAction } from '../../shared/history.ts';
import { lastLink } from './access-links.ts';
import type { Db } from './database.ts';
import { accessEvents } from './schema.ts';

/** Returns how many events it linked. */
export function linkUnchainedEvents(db: Db): number {
  return db.transaction((tx) => {
    const unchained = tx.select().from(accessEvents).where(eq(accessEvents.sequence, 0)).orderBy(asc(accessEvents.id)).all();
    const heads = new Map<string, HistoryHead>();
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
