// Access history: one appended row per envelope or payload read. Rows are never changed (a trigger
// refuses UPDATE) and go only with their vault. Readable by the vault's managers, oldest first.
import { and, asc, eq, gt } from 'drizzle-orm';
import type { AccessAction, AccessEvent } from '../../shared/history.ts';
import { accessEvents } from '../storage/schema.ts';
import type { Deps } from './deps.ts';

export interface AccessRecord {
  vaultId: string;
  actorAccountId: string;
  action: AccessAction;
  documentId: string;
  version: number;
}

export function appendAccess(deps: Deps, record: AccessRecord): void {
  deps.storage.db.insert(accessEvents).values({ ...record, at: deps.clock() }).run();
}

/** A page of events after `cursor` (an event id); the caller has checked the vault is managed. */
export function listAccess(deps: Deps, vaultId: string, cursor: number, limit: number): { events: AccessEvent[]; nextCursor: string | null } {
  const rows = deps.storage.db
    .select()
    .from(accessEvents)
    .where(and(eq(accessEvents.vaultId, vaultId), gt(accessEvents.id, cursor)))
    .orderBy(asc(accessEvents.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const events = page.map((row) => ({
    eventId: row.id,
    actorAccountId: row.actorAccountId,
    action: row.action as AccessAction,
    documentId: row.documentId,
    version: row.version,
    at: row.at,
  }));
  const last = page.at(-1);
  return { events, nextCursor: rows.length > limit && last !== undefined ? String(last.id) : null };
}
