// Vaults: one per account, made at sign-up. The server keeps the current owner-signed vault manifest as
// opaque bytes plus its sequence number, and accepts a new one only at exactly sequence + 1; the clients
// verify the signature and the hash chain (crypto/vault-manifest.ts).
import { z } from 'zod';
import { bytesField } from './binary.ts';
import { sequenceSchema, timestampSchema, vaultIdSchema } from './ids.ts';

export const MAX_VAULT_MANIFEST_BYTES = 4 * 1024 * 1024;

/**
 * 'owner': the account's own record (its identity is the account's). 'manager': a record kept for someone
 * else (shared/managed-vaults.ts), with the record's bundle, its keys sealed for this manager, its sealed
 * name and this manager's dates; null for 'owner'.
 */
export const vaultSummarySchema = z.strictObject({
  vaultId: vaultIdSchema,
  role: z.enum(['owner', 'manager']),
  /** 0 until the first manifest is stored. */
  manifestSequence: z.number().int().nonnegative(),
  publicBundle: bytesField(8192, 1).nullable(),
  managerEnvelope: bytesField(8192, 1).nullable(),
  label: bytesField(4096, 1).nullable(),
  startsAt: timestampSchema.nullable(),
  endsAt: timestampSchema.nullable(),
});

/** GET /api/vaults: the vaults this account manages. */
export const listVaultsResponseSchema = z.strictObject({ vaults: z.array(vaultSummarySchema) });

/** A new signed vault manifest, sent with every change to the vault's records. */
export const vaultManifestUpdateSchema = z.strictObject({
  sequence: sequenceSchema,
  manifest: bytesField(MAX_VAULT_MANIFEST_BYTES, 1),
});

/** GET /api/vaults/:vaultId/manifest: sequence 0 and manifest null before the first. */
export const vaultManifestResponseSchema = z.strictObject({
  vaultId: vaultIdSchema,
  sequence: z.number().int().nonnegative(),
  manifest: bytesField(MAX_VAULT_MANIFEST_BYTES, 1).nullable(),
});

/** PUT /api/vaults/:vaultId/manifest: a manifest change with no document change (e.g. the first one). */
export const putVaultManifestRequestSchema = z.strictObject({ vaultManifest: vaultManifestUpdateSchema });

export type VaultSummary = z.infer<typeof vaultSummarySchema>;
export type ListVaultsResponse = z.infer<typeof listVaultsResponseSchema>;
export type VaultManifestUpdate = z.infer<typeof vaultManifestUpdateSchema>;
export type VaultManifestResponse = z.infer<typeof vaultManifestResponseSchema>;
export type PutVaultManifestRequest = z.infer<typeof putVaultManifestRequestSchema>;
