// Shares (ATK-03, 05, 17, 20, 21 as the storage shows them): every grant is a member of its vault's signed
// share list with the same end date; its signed grant list verifies under the vault owner's key, names the
// grant's recipient with the keys of the recipient's verified bundle, has the stored sequence and lists
// exactly the stored wraps; both grant-key envelopes are signed by the owner and addressed to the recipient
// and to the owner; every wrap and the scope have the shape of their format. Nothing is unwrapped: the
// auditor holds no key, and the checks need none.
import type Database from 'better-sqlite3';
import { isCryptoError } from '../../crypto/errors.ts';
import { GRANT_WRAP_BYTES, openGrantKey, recipientKeyId, type EnvelopeOpener } from '../../crypto/envelope.ts';
import { keysHash } from '../../crypto/fingerprint.ts';
import { verifyGrantList, type GrantList } from '../../crypto/grant-list.ts';
import { GRANT_SCOPE_PADDING, GRANT_SCOPE_VERSION } from '../../crypto/grant-scope.ts';
import type { PublicKeyBundle } from '../../crypto/identity.ts';
import { constantTimeEqual } from '../../crypto/primitives.ts';
import type { VaultManifest } from '../../crypto/vault-manifest.ts';
import { rowWhere, type Findings } from './findings.ts';

interface GrantRow {
  vault_id: string;
  id: string;
  recipient_account_id: string;
  ends_at: number | null;
  recipient_envelope: Buffer;
  owner_envelope: Buffer;
  scope: Buffer;
  list: Buffer;
  list_sequence: number;
}

/** No envelope is addressed to an all-zero key id: opening stops after the signature check. */
const NOBODY: EnvelopeOpener = { kemSeed: new Uint8Array(32), keyId: new Uint8Array(32) };
/** u16 version, then the 32-byte recipient key id (SPEC part 3 section 5). */
const ENVELOPE_KEY_ID = { start: 2, end: 34 };
const SCOPE_OVERHEAD = 1 + 24 + 16;

export interface GrantsContext {
  bundles: ReadonlyMap<string, PublicKeyBundle>;
  /** Verified vault manifests and the owner bundle they verified under, by vault id. */
  vaults: ReadonlyMap<string, { manifest: VaultManifest; owner: PublicKeyBundle }>;
}

export function auditGrants(db: Database.Database, context: GrantsContext, findings: Findings): void {
  const grants = db.prepare('SELECT vault_id, id, recipient_account_id, ends_at, recipient_envelope, owner_envelope, scope, list, list_sequence FROM grants ORDER BY vault_id, id').all() as GrantRow[];
  const wraps = db.prepare('SELECT document_id, version, wrap FROM grant_wraps WHERE vault_id = ? AND grant_id = ? ORDER BY document_id, version');
  for (const grant of grants) {
    const key = { vault_id: grant.vault_id, id: grant.id };
    const stored = wraps.all(grant.vault_id, grant.id) as { document_id: string; version: number; wrap: Buffer }[];
    for (const entry of stored) {
      if (entry.wrap.length !== GRANT_WRAP_BYTES || entry.wrap[0] !== 1) {
        findings.error('grant-wrap-format', rowWhere('grant_wraps', 'wrap', { vault_id: grant.vault_id, grant_id: grant.id, document_id: entry.document_id, version: entry.version }), 'not a version-1 grant wrap of 73 bytes');
      }
    }
    checkScope(new Uint8Array(grant.scope), rowWhere('grants', 'scope', key), findings);
    const vault = context.vaults.get(grant.vault_id);
    const recipient = context.bundles.get(grant.recipient_account_id);
    if (vault === undefined || recipient === undefined) {
      findings.error('grant-unverifiable', rowWhere('grants', null, key), 'the vault manifest or the recipient\'s bundle did not verify: the grant cannot be checked');
      continue;
    }
    checkShare(grant, vault.manifest, recipient, rowWhere('grants', 'ends_at', key), findings);
    checkEnvelope(grant, 'recipient_envelope', recipient, vault.owner, findings);
    checkEnvelope(grant, 'owner_envelope', vault.owner, vault.owner, findings);
    const list = verifiedList(grant, vault.owner, recipient, findings);
    if (list !== null) checkListedWraps(grant, list, stored, findings);
  }
}

/** ATK-20: the grant's recipient is on the owner-signed share list, with the keys it has and the same end. */
function checkShare(grant: GrantRow, manifest: VaultManifest, recipient: PublicKeyBundle, where: string, findings: Findings): void {
  const share = manifest.shares.find((entry) => entry.accountId === grant.recipient_account_id);
  if (share === undefined) {
    findings.error('grant-not-shared', where, 'a grant whose recipient is not on the vault\'s signed share list');
    return;
  }
  if (!constantTimeEqual(share.keysHash, keysHash(recipient))) findings.error('grant-share-keys', where, 'the signed share names other keys than the recipient\'s bundle');
  if (share.endsAt !== grant.ends_at) findings.error('grant-share-end', where, 'the stored end date is not the signed one');
}

function checkEnvelope(grant: GrantRow, column: 'recipient_envelope' | 'owner_envelope', addressee: PublicKeyBundle, owner: PublicKeyBundle, findings: Findings): void {
  const where = rowWhere('grants', column, { vault_id: grant.vault_id, id: grant.id });
  const bytes = new Uint8Array(grant[column]);
  try {
    openGrantKey(bytes, { vaultId: grant.vault_id, grantId: grant.id }, NOBODY, [owner.signingPublicKey]);
  } catch (error) {
    findings.error('grant-envelope-invalid', where, `the grant-key envelope does not verify under the owner's key (${isCryptoError(error) ? error.code : 'unexpected'})`);
    return;
  }
  const keyId = bytes.subarray(ENVELOPE_KEY_ID.start, ENVELOPE_KEY_ID.end);
  if (!constantTimeEqual(keyId, recipientKeyId(addressee.encryptionPublicKey))) findings.error('grant-envelope-recipient', where, 'the envelope is addressed to another key');
}

function verifiedList(grant: GrantRow, owner: PublicKeyBundle, recipient: PublicKeyBundle, findings: Findings): GrantList | null {
  const where = rowWhere('grants', 'list', { vault_id: grant.vault_id, id: grant.id });
  try {
    const { list } = verifyGrantList(new Uint8Array(grant.list), {
      ownerSigningKey: owner.signingPublicKey, vaultId: grant.vault_id, grantId: grant.id,
      recipient: { accountId: recipient.accountId, keysHash: keysHash(recipient) },
    });
    if (list.sequence !== grant.list_sequence) findings.error('grant-list-sequence', where, `signed sequence ${list.sequence}, stored ${grant.list_sequence}`);
    return list;
  } catch (error) {
    findings.error('grant-list-invalid', where, `the grant list does not verify (${isCryptoError(error) ? error.code : 'unexpected'})`);
    return null;
  }
}

/** ATK-21: the server holds a wrap for exactly what the owner signed, no more and no less. */
function checkListedWraps(grant: GrantRow, list: GrantList, stored: readonly { document_id: string; version: number }[], findings: Findings): void {
  const where = rowWhere('grants', 'list', { vault_id: grant.vault_id, id: grant.id });
  const signed = new Set(list.entries.map((entry) => `${entry.documentId}/${entry.version}`));
  const held = new Set(stored.map((entry) => `${entry.document_id}/${entry.version}`));
  const extra = [...held].filter((entry) => !signed.has(entry)).length;
  if (extra > 0) findings.error('grant-wrap-unlisted', where, `${extra} stored wrap(s) the signed grant list does not name`);
  // A listed version may be gone with its document (deleted since): that is not a leak, only a count.
  const gone = [...signed].filter((entry) => !held.has(entry)).length;
  if (gone > 0) findings.info('grant-list-gone', where, `${gone} listed version(s) no longer stored (documents deleted since)`);
}

function checkScope(bytes: Uint8Array, where: string, findings: Findings): void {
  const padded = bytes.length - SCOPE_OVERHEAD;
  if (bytes[0] !== GRANT_SCOPE_VERSION || padded <= 0 || padded % GRANT_SCOPE_PADDING !== 0) {
    findings.error('grant-scope-format', where, 'not a version-1 sealed scope padded to its block size');
  }
}
