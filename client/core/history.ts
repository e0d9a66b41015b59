// The vault's access history as the server records it (who read which envelope or payload, and when).
// Server-asserted, not signed: hash chaining and signed checkpoints (ATK-33) come later.
import { historyResponseSchema, type AccessEvent } from '../../shared/history.ts';
import type { UnlockedAccount } from './account.ts';
import { request, type ApiClient } from './api.ts';

/** Every event, oldest first. */
export async function accessHistory(api: ApiClient, account: Pick<UnlockedAccount, 'vaultId'>): Promise<AccessEvent[]> {
  const events: AccessEvent[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '?limit=200' : `?limit=200&cursor=${cursor}`;
    const page = await request(api, 'GET', `/api/vaults/${account.vaultId}/history${query}`, historyResponseSchema);
    events.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return events;
}
