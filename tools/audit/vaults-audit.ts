// Vault manifests: the stored one verifies under the owner's key taken from the owner account's verified
// public bundle (version 1 of the client signs with the account itself; SPEC part 6), names this vault
// and the stored sequence, and lists exactly the stored documents at their current versions with the hash
// of the stored manifest of that version. Only the current manifest is stored, so the chain is checked
// from the head only: sequence 1 must point at the genesis hash; when earlier manifests are stored
// (a future table), verifyVaultManifestChain over them is the check to add here.
import type Database from 'better-sqlite3';
import { isCryptoError } from '../../crypto/errors.ts';
import { verifyPublicBundle, type PublicKeyBundle } from '../../crypto/identity.ts';
import { documentManifestHash } from '../../crypto/manifest.ts';
import { constantTimeEqual } from '../../crypto/primitives.ts';
import { GENESIS_PREVIOUS_HASH, verifyVaultManifest, type VaultManifest } from '../../crypto/vault-manifest.ts';
import { rowWhere, type Findings } from './findings.ts';

interface VaultRow { id: string; owner_account_id: string; manifest_sequence: number; manifest: Buffer | null; public_bundle: Buffer | null }

export interface VerifiedVault {
  manifest: VaultManifest;
  owner: PublicKeyBundle;
}

/** Checks every vault; returns those whose manifest verified, for the share checks (grants-audit.ts). */
export function auditVaults(
  db: Database.Database,
  bundles: ReadonlyMap<string, PublicKeyBundle>,
  manifests: ReadonlyMap<string, Uint8Array>,
  findings: Findings,
): Map<string, VerifiedVault> {
  const verified = new Map<string, VerifiedVault>();
  const vaults = db.prepare('SELECT id, owner_account_id, manifest_sequence, manifest, public_bundle FROM vaults ORDER BY id').all() as VaultRow[];
  // Pending contributions are outside the signed manifest until a manager accepts them.
  const documents = db.prepare('SELECT id, current_version FROM documents WHERE vault_id = ? AND pending = 0 ORDER BY id');
  for (const vault of vaults) {
    const where = rowWhere('vaults', 'manifest', { id: vault.id });
    const owner = signerOf(vault, bundles, findings);
    const manifest = verifiedManifest(vault, owner, where, findings);
    if (manifest === null) continue;
    if (owner !== undefined) verified.set(vault.id, { manifest, owner });
    const stored = documents.all(vault.id) as { id: string; current_version: number }[];
    reconcile(vault.id, manifest, stored, manifests, where, findings);
  }
  if (vaults.length > 0) findings.info('vault-chain-head-only', 'vaults.manifest', 'only each vault\'s current manifest is stored: its chain is checked from the head (sequence, genesis link)');
  return verified;
}

/**
 * The key that signs the vault's manifests: a personal vault's owner account, or a managed record's own
 * bundle (role 'vault', naming the record), which must verify by itself.
 */
function signerOf(vault: VaultRow, bundles: ReadonlyMap<string, PublicKeyBundle>, findings: Findings): PublicKeyBundle | undefined {
  if (vault.public_bundle === null) return bundles.get(vault.owner_account_id);
  try {
    const bundle = verifyPublicBundle(new Uint8Array(vault.public_bundle));
    if (bundle.role === 'vault' && bundle.accountId === vault.id) return bundle;
    findings.error('vault-bundle-mismatch', rowWhere('vaults', 'public_bundle', { id: vault.id }), 'the record\'s bundle is not a vault identity naming this record');
  } catch (error) {
    findings.error('vault-bundle-invalid', rowWhere('vaults', 'public_bundle', { id: vault.id }), `the record's bundle does not verify (${isCryptoError(error) ? error.code : 'unexpected'})`);
  }
  return undefined;
}

function verifiedManifest(vault: VaultRow, owner: PublicKeyBundle | undefined, where: string, findings: Findings): VaultManifest | null {
  if (vault.manifest === null) {
    if (vault.manifest_sequence !== 0) findings.error('vault-manifest-missing', where, `sequence ${vault.manifest_sequence} but no manifest stored`);
    return null;
  }
  if (owner === undefined) {
    findings.error('vault-manifest-unverifiable', where, 'the owner has no verified public bundle: the signature cannot be checked');
    return null;
  }
  try {
    const { manifest } = verifyVaultManifest(new Uint8Array(vault.manifest), owner.signingPublicKey);
    if (manifest.vaultId !== vault.id) findings.error('vault-manifest-mismatch', where, 'the manifest is signed for another vault');
    if (manifest.sequence !== vault.manifest_sequence) findings.error('vault-manifest-mismatch', where, `signed sequence ${manifest.sequence}, stored ${vault.manifest_sequence}`);
    if (manifest.sequence === 1 && !constantTimeEqual(manifest.previousHash, GENESIS_PREVIOUS_HASH)) findings.error('vault-chain', where, 'the first manifest does not start from the genesis hash');
    return manifest;
  } catch (error) {
    findings.error('vault-manifest-invalid', where, `the vault manifest does not verify under its owner's key (${isCryptoError(error) ? error.code : 'unexpected'})`);
    return null;
  }
}

function reconcile(
  vaultId: string, manifest: VaultManifest, stored: { id: string; current_version: number }[],
  manifests: ReadonlyMap<string, Uint8Array>, where: string, findings: Findings,
): void {
  const signed = new Map(manifest.records.map((record) => [record.documentId, record]));
  for (const row of stored) {
    const rowWhereDoc = rowWhere('documents', null, { vault_id: vaultId, id: row.id });
    const record = signed.get(row.id);
    signed.delete(row.id);
    if (record === undefined) { findings.error('record-unexpected', rowWhereDoc, 'a stored document the signed vault manifest does not list'); continue; }
    if (record.currentVersion !== row.current_version) { findings.error('record-version', rowWhereDoc, `signed version ${record.currentVersion}, stored ${row.current_version}`); continue; }
    const bytes = manifests.get(`${vaultId}/${row.id}/${row.current_version}`);
    if (bytes !== undefined && !constantTimeEqual(documentManifestHash(bytes), record.manifestHash)) {
      findings.error('record-manifest', rowWhereDoc, 'the stored manifest of the current version is not the one the vault manifest lists');
    }
  }
  for (const documentId of signed.keys()) findings.error('record-missing', `${where} record ${documentId}`, 'a document the signed vault manifest lists is not stored');
}
