// Every committed document version: its metadata blob is a CSDM blob of an allowed version and algorithm
// padded to a bucket; its manifest verifies under the signing key of its author's verified public bundle
// and names this row (vault, document, version, author); the hashes it signs match the payload blob, the
// metadata and the envelope set as stored; every envelope parses and carries a valid signature by that
// same author for this version (openEnvelope with an opener no envelope is addressed to: it parses,
// checks the signer and the signature, and returns null without unwrapping anything).
import type Database from 'better-sqlite3';
import { isCryptoError } from '../../crypto/errors.ts';
import { openEnvelope, recipientKeyId, type EnvelopeOpener } from '../../crypto/envelope.ts';
import type { PublicKeyBundle } from '../../crypto/identity.ts';
import { checkBlobHashes, envelopeSetHash, verifyDocumentManifest, type DocumentManifest } from '../../crypto/manifest.ts';
import { METADATA_ALGORITHM_XCHACHA20_POLY1305, METADATA_FORMAT_VERSION, METADATA_HEADER_BYTES, METADATA_MAGIC } from '../../crypto/metadata.ts';
import { metadataPaddedLength } from '../../crypto/padding.ts';
import { sha256 } from '../../crypto/primitives.ts';
import { rowWhere, type Findings } from './findings.ts';
import { recordBundles } from './record-bundles.ts';

interface VersionRow {
  vault_id: string;
  document_id: string;
  version: number;
  blob_id: string;
  author_account_id: string;
  metadata: Buffer;
  manifest: Buffer;
}

/** No envelope is addressed to an all-zero key id: opening stops after the signature check. */
const NOBODY: EnvelopeOpener = { kemSeed: new Uint8Array(32), keyId: new Uint8Array(32) };
const TAG_BYTES = 16;

export interface VersionsContext {
  bundles: ReadonlyMap<string, PublicKeyBundle>;
  blobHashes: ReadonlyMap<string, Uint8Array>;
}

/** Verified manifests by "vaultId/documentId/version", for the vault manifest check. */
export function auditVersions(db: Database.Database, context: VersionsContext, findings: Findings): Map<string, Uint8Array> {
  const rows = db.prepare('SELECT vault_id, document_id, version, blob_id, author_account_id, metadata, manifest FROM document_versions ORDER BY vault_id, document_id, version').all() as VersionRow[];
  const envelopes = db.prepare('SELECT position, envelope FROM envelopes WHERE vault_id = ? AND document_id = ? AND version = ? ORDER BY position');
  const knownRecipients = new Set([...context.bundles.values()].map((bundle) => Buffer.from(recipientKeyId(bundle.encryptionPublicKey)).toString('hex')));
  const records = recordBundles(db);
  for (const record of records.values()) knownRecipients.add(Buffer.from(recipientKeyId(record.encryptionPublicKey)).toString('hex'));
  const manifests = new Map<string, Uint8Array>();
  for (const row of rows) {
    const key = { vault_id: row.vault_id, document_id: row.document_id, version: row.version };
    checkMetadata(new Uint8Array(row.metadata), rowWhere('document_versions', 'metadata', key), findings);
    const wrapped = (envelopes.all(row.vault_id, row.document_id, row.version) as { position: number; envelope: Buffer }[]);
    const author = context.bundles.get(row.author_account_id);
    // In a managed record, a manager's version is signed by the record's own identity (SPEC part 6).
    const record = records.get(row.vault_id);
    const signers = [author, record].flatMap((bundle) => (bundle === undefined ? [] : [bundle.signingPublicKey]));
    if (signers.length > 0) for (const entry of wrapped) checkEnvelope(row, entry, signers, knownRecipients, findings);
    const manifest = verifiedManifest(row, { author, record }, findings);
    if (manifest === null) continue;
    manifests.set(`${row.vault_id}/${row.document_id}/${row.version}`, new Uint8Array(row.manifest));
    checkHashes(row, manifest, wrapped.map((entry) => new Uint8Array(entry.envelope)), context, findings);
  }
  return manifests;
}

function checkMetadata(blob: Uint8Array, where: string, findings: Findings): void {
  const magic = new TextDecoder().decode(blob.subarray(0, 4));
  if (blob.length < METADATA_HEADER_BYTES || magic !== METADATA_MAGIC) {
    findings.error('metadata-format', where, 'not a CSDM metadata blob');
  } else if (blob[4] !== METADATA_FORMAT_VERSION || blob[5] !== METADATA_ALGORITHM_XCHACHA20_POLY1305) {
    findings.error('metadata-version', where, 'metadata format version or algorithm not allowed');
  } else {
    const padded = blob.length - METADATA_HEADER_BYTES - TAG_BYTES;
    if (padded < 4 || metadataPaddedLength(padded) !== padded) findings.error('metadata-size', where, `${blob.length} bytes is not header + bucket + tag`);
  }
}

function verifiedManifest(row: VersionRow, signers: { author?: PublicKeyBundle; record?: PublicKeyBundle }, findings: Findings): DocumentManifest | null {
  const where = rowWhere('document_versions', 'manifest', { vault_id: row.vault_id, document_id: row.document_id, version: row.version });
  const { author, record } = signers;
  if (author === undefined && record === undefined) {
    findings.error('manifest-unverifiable', where, 'the author has no verified public bundle: the signature cannot be checked');
    return null;
  }
  try {
    const expected = { vaultId: row.vault_id, documentId: row.document_id, version: row.version };
    const allowedSigners = [author, record].flatMap((bundle) => (bundle === undefined ? [] : [bundle.signingPublicKey]));
    const manifest = verifyDocumentManifest(new Uint8Array(row.manifest), { allowedSigners, expected });
    const signedByRecord = record !== undefined && manifest.authorAccountId === record.accountId;
    if (manifest.authorAccountId !== row.author_account_id && !signedByRecord) findings.error('manifest-author', where, 'the signed author is not the row\'s author');
    return manifest;
  } catch (error) {
    findings.error('manifest-invalid', where, `the document manifest does not verify under its author's key (${codeOf(error)})`);
    return null;
  }
}

function checkHashes(row: VersionRow, manifest: DocumentManifest, envelopes: Uint8Array[], context: VersionsContext, findings: Findings): void {
  const key = { vault_id: row.vault_id, document_id: row.document_id, version: row.version };
  const parts: [string, string, Parameters<typeof checkBlobHashes>[1]][] = [
    ['document_versions', 'metadata', { metadataHash: sha256(new Uint8Array(row.metadata)) }],
    ['envelopes', 'envelope', { envelopeSetHash: envelopeSetHash(envelopes) }],
  ];
  const payloadHash = context.blobHashes.get(row.blob_id);
  if (payloadHash !== undefined) parts.push(['document_versions', 'blob_id', { payloadHash }]);
  for (const [table, column, hashes] of parts) {
    try {
      checkBlobHashes(manifest, hashes);
    } catch (error) {
      findings.error('manifest-hash', rowWhere(table, column, key), `stored bytes differ from the hash the manifest signs (${codeOf(error)})`);
    }
  }
}

function checkEnvelope(row: VersionRow, entry: { position: number; envelope: Buffer }, signers: Uint8Array[], knownRecipients: ReadonlySet<string>, findings: Findings): void {
  const where = rowWhere('envelopes', 'envelope', { vault_id: row.vault_id, document_id: row.document_id, version: row.version, position: entry.position });
  const bytes = new Uint8Array(entry.envelope);
  try {
    if (openEnvelope(bytes, { vaultId: row.vault_id, documentId: row.document_id, version: row.version }, NOBODY, signers) !== null) {
      findings.error('envelope-invalid', where, 'unexpected: an envelope opened for the all-zero key id');
    }
  } catch (error) {
    findings.error('envelope-invalid', where, `the envelope does not verify as signed by the version's author (${codeOf(error)})`);
    return;
  }
  if (!knownRecipients.has(Buffer.from(bytes.subarray(2, 34)).toString('hex'))) {
    findings.warn('envelope-recipient-unknown', where, 'the envelope is for a key no account publishes');
  }
}

function codeOf(error: unknown): string {
  return isCryptoError(error) ? error.code : 'unexpected';
}
