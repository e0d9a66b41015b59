// What records managed for someone else, and every vault's settings, add to the storage (SHARING v2):
// the sealed boxes (vault settings, record names) have the shape of an owner-sealed box (version byte,
// nonce, a multiple of 256 bytes of ciphertext, tag: crypto/owner-sealed.ts) and a sequence where one is
// due; each co-manager's envelope of the record's keys is signed by the record's own key and addressed to
// that manager's key (ATK-05: the server cannot hand a record's keys to someone of its choosing); an
// accepted invitation carries a 32-byte proof and the invitee's own verified bundle. Nothing is opened.
import type Database from 'better-sqlite3';
import { isCryptoError } from '../../crypto/errors.ts';
import { openVaultKeys, recipientKeyId, type EnvelopeOpener } from '../../crypto/envelope.ts';
import { constantTimeEqual } from '../../crypto/primitives.ts';
import type { PublicKeyBundle } from '../../crypto/identity.ts';
import { OWNER_SEALED_PADDING } from '../../crypto/owner-sealed.ts';
import { rowWhere, type Findings } from './findings.ts';

const NOBODY: EnvelopeOpener = { kemSeed: new Uint8Array(32), keyId: new Uint8Array(32) };
const SEALED_OVERHEAD = 1 + 24 + 16;
/** u16 version, then the 32-byte recipient key id (SPEC part 3 section 5). */
const ENVELOPE_KEY_ID = { start: 2, end: 34 };
const INVITE_PROOF_BYTES = 32;

export interface RecordsContext {
  /** Verified account bundles, by account id. */
  bundles: ReadonlyMap<string, PublicKeyBundle>;
  /** Verified bundles of managed records, by vault id (record-bundles.ts). */
  records: ReadonlyMap<string, PublicKeyBundle>;
}

export function auditRecords(db: Database.Database, context: RecordsContext, findings: Findings): void {
  auditSealedVaultColumns(db, findings);
  auditManagerEnvelopes(db, context, findings);
  auditInvites(db, findings);
}

/** Settings are sealed as version 2 since they list the person's records; version 1 still opens. */
const SETTINGS_VERSIONS: readonly number[] = [1, 2];
const LABEL_VERSIONS: readonly number[] = [1];

function isOwnerSealed(bytes: Uint8Array, versions: readonly number[]): boolean {
  const ciphertext = bytes.length - SEALED_OVERHEAD;
  return versions.includes(bytes[0] ?? -1) && ciphertext >= OWNER_SEALED_PADDING && ciphertext % OWNER_SEALED_PADDING === 0;
}

function auditSealedVaultColumns(db: Database.Database, findings: Findings): void {
  const rows = db.prepare('SELECT id, settings, settings_sequence, label, public_bundle FROM vaults ORDER BY id').all() as
    { id: string; settings: Buffer | null; settings_sequence: number; label: Buffer | null; public_bundle: Buffer | null }[];
  for (const row of rows) {
    if (row.settings !== null && !isOwnerSealed(new Uint8Array(row.settings), SETTINGS_VERSIONS)) findings.error('settings-format', rowWhere('vaults', 'settings', { id: row.id }), 'not a version-1 or 2 sealed box padded to 256 bytes');
    if ((row.settings === null) !== (row.settings_sequence === 0)) findings.error('settings-sequence', rowWhere('vaults', 'settings_sequence', { id: row.id }), 'a settings sequence without settings, or settings without a sequence');
    if (row.label !== null && !isOwnerSealed(new Uint8Array(row.label), LABEL_VERSIONS)) findings.error('label-format', rowWhere('vaults', 'label', { id: row.id }), 'not a version-1 sealed box padded to 256 bytes');
    if ((row.label === null) !== (row.public_bundle === null)) findings.error('label-record', rowWhere('vaults', 'label', { id: row.id }), 'a name belongs to a managed record, and a managed record has one');
  }
}

function auditManagerEnvelopes(db: Database.Database, context: RecordsContext, findings: Findings): void {
  const rows = db.prepare('SELECT vault_id, account_id, envelope FROM vault_managers ORDER BY vault_id, account_id').all() as { vault_id: string; account_id: string; envelope: Buffer }[];
  for (const row of rows) {
    const where = rowWhere('vault_managers', 'envelope', { vault_id: row.vault_id, account_id: row.account_id });
    const record = context.records.get(row.vault_id);
    const manager = context.bundles.get(row.account_id);
    if (record === undefined || manager === undefined) {
      findings.error('manager-unverifiable', where, 'the record\'s or the manager\'s bundle did not verify: the envelope cannot be checked');
      continue;
    }
    const bytes = new Uint8Array(row.envelope);
    try {
      openVaultKeys(bytes, record, NOBODY);
    } catch (error) {
      findings.error('manager-envelope-invalid', where, `the record's keys are not sealed by the record itself (${isCryptoError(error) ? error.code : 'unexpected'})`);
      continue;
    }
    if (!constantTimeEqual(bytes.subarray(ENVELOPE_KEY_ID.start, ENVELOPE_KEY_ID.end), recipientKeyId(manager.encryptionPublicKey))) {
      findings.error('manager-envelope-recipient', where, 'the record\'s keys are addressed to another key than the manager\'s');
    }
  }
}

function auditInvites(db: Database.Database, findings: Findings): void {
  const rows = db.prepare('SELECT i.id, i.invitee_account_id, i.invitee_bundle, i.proof, a.public_bundle AS own_bundle FROM vault_invites i LEFT JOIN accounts a ON a.id = i.invitee_account_id ORDER BY i.id').all() as
    { id: string; invitee_account_id: string | null; invitee_bundle: Buffer | null; proof: Buffer | null; own_bundle: Buffer | null }[];
  for (const row of rows) {
    const where = rowWhere('vault_invites', 'proof', { id: row.id });
    const accepted = row.invitee_account_id !== null;
    if (accepted !== (row.invitee_bundle !== null) || accepted !== (row.proof !== null)) {
      findings.error('invite-incomplete', where, 'an accepted invitation has an invitee, their bundle and a proof, an open one none of them');
      continue;
    }
    if (!accepted) continue;
    if (row.proof?.length !== INVITE_PROOF_BYTES) findings.error('invite-proof-size', where, 'the proof is not 32 bytes');
    // The account's bundle as published (accounts-audit.ts verifies it): the server recorded no other.
    if (row.own_bundle === null || row.invitee_bundle === null || !row.own_bundle.equals(row.invitee_bundle)) {
      findings.error('invite-bundle', rowWhere('vault_invites', 'invitee_bundle', { id: row.id }), 'the invitee\'s bundle is not the one their account publishes');
    }
  }
}
