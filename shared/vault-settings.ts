// Vault settings: the owner's choices that the server must not read — documents hidden from every
// practitioner, practitioners blocked, contributions hidden — sealed by the client (crypto/vault-settings.ts)
// under a key only the vault's managers derive, numbered so that a replayed older one is refused.
import { z } from 'zod';
import { bytesField } from './binary.ts';
import { sequenceSchema } from './ids.ts';

export const MAX_VAULT_SETTINGS_BYTES = 256 * 1024;

/** GET /api/vaults/:vaultId/settings (manager): sequence 0 and settings null before the first. */
export const vaultSettingsResponseSchema = z.strictObject({
  sequence: z.number().int().nonnegative(),
  settings: bytesField(MAX_VAULT_SETTINGS_BYTES, 1).nullable(),
});

/** PUT /api/vaults/:vaultId/settings (manager): 204; 409 CONFLICT unless sequence = stored + 1. */
export const putVaultSettingsRequestSchema = z.strictObject({
  sequence: sequenceSchema,
  settings: bytesField(MAX_VAULT_SETTINGS_BYTES, 1),
});

export type VaultSettingsResponse = z.infer<typeof vaultSettingsResponseSchema>;
export type PutVaultSettingsRequest = z.infer<typeof putVaultSettingsRequestSchema>;
