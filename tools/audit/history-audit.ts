// The access history as stored (access_events), its structure (history-chain-audit.ts checks the hash
// chain and the signed checkpoint): the trigger that refuses UPDATE is in place; ids stay at or below
// the engine's high-water mark (SQLite's AUTOINCREMENT, PostgreSQL's sequence: EngineFacts), so a row
// inserted with a hand-picked id above it, or the mark lowered, shows; within a vault, times never go back as ids grow (the server appends with its clock);
// no read predates its vault or the commit of the version read, or lies in the future; actions are the
// two fixed codes.
import type Database from 'better-sqlite3';
import type { EngineFacts } from './engine-facts.ts';
import { rowWhere, type Findings } from './findings.ts';

const ACTIONS: readonly string[] = ['envelope-read', 'payload-read'];
/** Clock slack allowed between the server that wrote and the machine that audits. */
const FUTURE_SLACK_MS = 5 * 60_000;

interface EventRow {
  id: number;
  vault_id: string;
  actor_account_id: string;
  action: string;
  document_id: string;
  version: number;
  at: number;
  vault_created_at: number | null;
  version_created_at: number | null;
}

export function auditHistory(db: Database.Database, now: number, engine: EngineFacts, findings: Findings): void {
  if (!engine.historyGuard.intact) {
    findings.error('history-trigger', engine.historyGuard.where, 'the trigger that keeps the access history append-only is missing or changed');
  }
  const rows = db.prepare(`
    SELECT e.*, v.created_at AS vault_created_at, dv.created_at AS version_created_at
    FROM access_events e
    LEFT JOIN vaults v ON v.id = e.vault_id
    LEFT JOIN document_versions dv ON dv.vault_id = e.vault_id AND dv.document_id = e.document_id AND dv.version = e.version
    ORDER BY e.vault_id, e.id`).all() as EventRow[];
  let previous: EventRow | undefined;
  for (const row of rows) {
    checkRow(row, engine.historyHighWater, now, findings);
    if (previous?.vault_id === row.vault_id && row.at < previous.at) {
      findings.error('history-order', rowWhere('access_events', 'at', { id: row.id }), `earlier than event ${previous.id} of the same vault, though appended after it`);
    }
    previous = row;
  }
}

function checkRow(row: EventRow, highWater: number, now: number, findings: Findings): void {
  const where = (column: string) => rowWhere('access_events', column, { id: row.id });
  if (row.id > highWater) findings.error('history-id', where('id'), `id above the engine's high-water mark ${highWater}: not appended by the server`);
  if (!ACTIONS.includes(row.action)) findings.error('history-action', where('action'), 'not one of the fixed action codes');
  if (row.vault_created_at === null) findings.error('history-vault', where('vault_id'), 'an event for a vault that does not exist');
  else if (row.at < row.vault_created_at) findings.error('history-time', where('at'), 'a read before its vault was created');
  if (row.version_created_at === null) findings.info('history-target-gone', where('document_id'), 'the version read is no longer stored (deleted document)');
  else if (row.at < row.version_created_at) findings.error('history-time', where('at'), 'a read before the version read was committed');
  if (row.at > now + FUTURE_SLACK_MS) findings.error('history-time', where('at'), 'a read in the future');
}
