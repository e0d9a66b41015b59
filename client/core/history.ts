// The vault's access history (who read which envelope or payload, and when), verified before it is shown
// (ATK-33): the whole hash chain is recomputed; it must extend the last checkpoint signed by this account
// and the head this client saw before (a shorter chain is ROLLBACK, another hash CHAIN_BROKEN). Then the new
// head is signed as the next checkpoint. Entries the server never recorded, or invents after the last
// checkpoint, stay the server's word: SPEC.md part 3 says so. The signer is the vault's owner identity,
// `account.bundle`: the account itself for its personal vault, the record's own identity for a record
// managed for someone else (actingAs, managed-vaults.ts), whose every manager holds its keys.
import {
  checkChainExtends, openHistoryCheckpoint, signHistoryCheckpoint, verifyAccessChain, type ChainedEvent, type HistoryHead,
} from '../../crypto/access-chain.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { historyCheckpointResponseSchema, historyResponseSchema, type AccessEvent } from '../../shared/history.ts';
import type { UnlockedAccount } from './account.ts';
import { ApiClientError, request, type ApiClient } from './api.ts';
import type { VaultState } from './vault.ts';

type HistoryAccount = Pick<UnlockedAccount, 'accountId' | 'vaultId' | 'bundle' | 'identity'>;

/** Every event, oldest first, once the chain verified; signs a checkpoint of the new head. */
export async function accessHistory(api: ApiClient, account: HistoryAccount, state: VaultState = {}): Promise<AccessEvent[]> {
  const path = `/api/vaults/${account.vaultId}/history`;
  const events = await fetchAll(api, path);
  const chain = events.map(toChained);
  const head = verifyAccessChain(account.vaultId, chain);
  const { checkpoint } = await request(api, 'GET', `${path}/checkpoint`, historyCheckpointResponseSchema);
  const signed = checkpoint === null
    ? undefined
    : openHistoryCheckpoint(fromBase64url(checkpoint), account.vaultId, new Map([[account.bundle.accountId, account.bundle.signingPublicKey]]));
  if (signed !== undefined) checkChainExtends(chain, head, signed);
  // What this client saw before anchors it too: a server serving an older checkpoint cannot rewrite past it.
  if (state.history !== undefined) checkChainExtends(chain, head, state.history);
  if (head.sequence > (signed?.sequence ?? 0)) await storeCheckpoint(api, account, path, head);
  state.history = head;
  return events;
}

async function fetchAll(api: ApiClient, path: string): Promise<AccessEvent[]> {
  const events: AccessEvent[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '?limit=200' : `?limit=200&cursor=${cursor}`;
    const page = await request(api, 'GET', `${path}${query}`, historyResponseSchema);
    events.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return events;
}

function toChained(event: AccessEvent): ChainedEvent {
  return { ...event, chainHash: fromBase64url(event.chainHash) };
}

/** Signs and stores a checkpoint of `head`; CONFLICT means another manager stored one as new: fine. */
async function storeCheckpoint(api: ApiClient, account: HistoryAccount, path: string, head: HistoryHead): Promise<void> {
  if (head.sequence === 0) return;
  const checkpoint = signHistoryCheckpoint(
    { vaultId: account.vaultId, sequence: head.sequence, hash: head.hash, signerAccountId: account.bundle.accountId, signedAt: Date.now() },
    account.identity.signingSeed,
  );
  try {
    await request(api, 'PUT', `${path}/checkpoint`, null, { json: { checkpoint: toBase64url(checkpoint) } });
  } catch (error) {
    if (!(error instanceof ApiClientError && error.code === 'CONFLICT')) throw error;
  }
}
