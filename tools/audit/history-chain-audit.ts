// Every vault's access-history chain (ATK-33): sequences run from 1 with no gap in append order, each
// stored link is the hash recomputed from the event and the link before it, and the stored checkpoint is
// signed by the vault's owner over exactly the link at its sequence. Anything else means rows were
// changed, removed, reordered or inserted behind the server's back.
import type Database from 'better-sqlite3';
import { accessEventHash, ACCESS_CHAIN_GENESIS, openHistoryCheckpoint, type ChainedAction } from '../../crypto/access-chain.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import type { PublicKeyBundle } from '../../crypto/identity.ts';
import { constantTimeEqual } from '../../crypto/primitives.ts';
import { rowWhere, type Findings } from './findings.ts';
import { recordBundles } from './record-bundles.ts';

interface LinkRow {
  id: number;
  vault_id: string;
  sequence: number;
  actor_account_id: string;
  action: string;
  document_id: string;
  version: number;
  at: number;
  chain_hash: Buffer;
}

interface VaultRow {
  id: string;
  owner_account_id: string;
  history_checkpoint: Buffer | null;
  history_checkpoint_sequence: number;
}

export function auditHistoryChains(db: Database.Database, bundles: ReadonlyMap<string, PublicKeyBundle>, findings: Findings): void {
  const links = new Map<string, Uint8Array[]>();
  const rows = db.prepare('SELECT * FROM access_events ORDER BY vault_id, id').all() as LinkRow[];
  let vaultId: string | undefined;
  let chain: Uint8Array[] = [];
  let broken = false;
  for (const row of rows) {
    if (row.vault_id !== vaultId) {
      vaultId = row.vault_id;
      chain = [];
      links.set(vaultId, chain);
      broken = false;
    }
    if (broken) continue;
    const where = (column: string) => rowWhere('access_events', column, { id: row.id });
    if (row.sequence !== chain.length + 1) {
      findings.error('history-chain', where('sequence'), `sequence ${String(row.sequence)} where ${String(chain.length + 1)} was due: an event is missing, repeated, reordered or not linked`);
      broken = true;
      continue;
    }
    const expected = accessEventHash(row.vault_id, chain.at(-1) ?? ACCESS_CHAIN_GENESIS, { ...row, action: row.action as ChainedAction, actorAccountId: row.actor_account_id, documentId: row.document_id });
    if (!constantTimeEqual(expected, row.chain_hash)) {
      findings.error('history-chain', where('chain_hash'), 'the link is not the hash of this event and the previous link: the event or an earlier one was changed');
      broken = true;
      continue;
    }
    chain.push(expected);
  }
  const records = recordBundles(db);
  for (const vault of db.prepare('SELECT id, owner_account_id, history_checkpoint, history_checkpoint_sequence FROM vaults').all() as VaultRow[]) {
    checkCheckpoint(vault, links.get(vault.id) ?? [], records.get(vault.id) ?? bundles.get(vault.owner_account_id), findings);
  }
}

/** `owner`: the key that signs the vault's checkpoints (the owner account's, or a managed record's own). */
function checkCheckpoint(vault: VaultRow, chain: readonly Uint8Array[], owner: PublicKeyBundle | undefined, findings: Findings): void {
  const where = rowWhere('vaults', 'history_checkpoint', { id: vault.id });
  if (vault.history_checkpoint === null) {
    if (vault.history_checkpoint_sequence !== 0) findings.error('history-checkpoint', where, 'a checkpoint sequence without a checkpoint');
    return;
  }
  if (owner === undefined) {
    findings.error('history-checkpoint', where, 'the vault owner has no verified key bundle to check the checkpoint with');
    return;
  }
  try {
    const checkpoint = openHistoryCheckpoint(new Uint8Array(vault.history_checkpoint), vault.id, new Map([[owner.accountId, owner.signingPublicKey]]));
    const link = chain[checkpoint.sequence - 1];
    if (checkpoint.sequence !== vault.history_checkpoint_sequence) findings.error('history-checkpoint', where, 'the stored sequence is not the one the checkpoint signs');
    if (link === undefined) findings.error('history-checkpoint', where, `the chain is shorter than the signed checkpoint (${String(checkpoint.sequence)}): events were removed`);
    else if (!constantTimeEqual(link, checkpoint.hash)) findings.error('history-checkpoint', where, 'the chain differs from what the owner signed: events were changed');
  } catch (error) {
    if (!isCryptoError(error)) throw error;
    findings.error('history-checkpoint', where, `the checkpoint does not verify (${error.code})`);
  }
}
