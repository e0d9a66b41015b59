// Links access events written before the history was a hash chain (sequence 0) into their vault's chain,
// oldest first, once, at start-up and in one transaction: an upgraded server keeps every past read, now
// covered by the chain like the new ones. The trigger lets a row be updated only while its sequence is 0.
import { asc, eq } from 'drizzle-orm';
import { accessEventHash, type HistoryHead } from '../../crypto/access-chain.ts';
import type { AccessAction } from '../../shared/history.ts';
import { lastLink } from './access-links.ts';
import type { Storage } from './database.ts';

/** Returns how many events it linked. */
export function linkUnchainedEvents(storage: Storage): Promise<number> {
  return storage.transaction(async (tx) => {
    const { accessEvents } = tx.tables;
    const unchained = await tx.select().from(accessEvents).where(eq(accessEvents.sequence, 0)).orderBy(asc(accessEvents.id));
    const heads = new Map<string, HistoryHead>();
    for (const row of unchained) {
      const head = heads.get(row.vaultId) ?? await lastLink(tx, row.vaultId);
      const sequence = head.sequence + 1;
      const hash = accessEventHash(row.vaultId, head.hash, { ...row, action: row.action as AccessAction, sequence });
      await tx.update(accessEvents).set({ sequence, chainHash: Buffer.from(hash) }).where(eq(accessEvents.id, row.id));
      heads.set(row.vaultId, { sequence, hash });
    }
    return unchained.length;
  });
}
