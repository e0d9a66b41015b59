// Records a person manages for someone else (a child, a dependent parent): the record has its own
// identity (a public bundle with role 'vault' whose account id is the vault id), its keys sealed for each
// manager by the record's own key (vault-key envelopes, crypto/envelope.ts), and up to 4 managers (the
// creator and 3 caregivers), each with optional start and end dates. A second manager joins through an
// invitation code given out of band: the invitee proves knowledge of the code with an HMAC over their own
// bundle, which the server cannot compute (it never sees the code), so it cannot slip in its own key (ATK-03).
import { z } from 'zod';
import { bytesField, fixedBytesField } from './binary.ts';
import { MAX_PUBLIC_BUNDLE_BYTES } from './accounts.ts';
import { MAX_ENVELOPE_BYTES } from './documents.ts';
import { accountIdSchema, randomIdSchema, timestampSchema, vaultIdSchema } from './ids.ts';
import { vaultManifestUpdateSchema } from './vaults.ts';

export const MAX_MANAGERS = 4;
/** The record's name ("Léa"), sealed under the record's key: the server never reads it. */
export const MAX_VAULT_LABEL_BYTES = 4096;
export const INVITE_PROOF_BYTES = 32;
export const MAX_INVITE_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export const inviteIdSchema = randomIdSchema;
const publicBundle = bytesField(MAX_PUBLIC_BUNDLE_BYTES, 1);
const envelope = bytesField(MAX_ENVELOPE_BYTES, 1);

/** POST /api/vaults: 201 { vaultId }; the creator becomes its first manager. 409 CONFLICT if the id is taken. */
export const createManagedVaultRequestSchema = z.strictObject({
  vaultId: vaultIdSchema,
  publicBundle,
  managerEnvelope: envelope,
  label: bytesField(MAX_VAULT_LABEL_BYTES, 1),
  vaultManifest: vaultManifestUpdateSchema,
});
export const createManagedVaultResponseSchema = z.strictObject({ vaultId: vaultIdSchema });

/**
 * What an invitation is for: 'manager' (co-manage a record; counts toward MAX_MANAGERS) or 'share' (a
 * relative who will receive read-only shares of any vault the caller manages, a personal one included:
 * relatives are not in the directory, so this code is how their key reaches the patient).
 */
export const invitePurposeSchema = z.enum(['manager', 'share']);

/** POST /api/vaults/:vaultId/invites (manager): 201. */
export const createInviteRequestSchema = z.strictObject({
  inviteId: inviteIdSchema,
  expiresAt: timestampSchema,
  purpose: invitePurposeSchema.default('manager'),
});

/**
 * POST /api/invites/:inviteId/accept (any account): 200 with the vault owner's bundle (a record's own bundle;
 * for a personal vault, its owner account's); 404 unknown or expired; 409 already accepted.
 */
export const acceptInviteRequestSchema = z.strictObject({ proof: fixedBytesField(INVITE_PROOF_BYTES) });
export const acceptInviteResponseSchema = z.strictObject({ vaultId: vaultIdSchema, purpose: invitePurposeSchema, publicBundle });

/** GET /api/vaults/:vaultId/invites (manager). */
export const inviteSchema = z.strictObject({
  inviteId: inviteIdSchema,
  purpose: invitePurposeSchema,
  createdAt: timestampSchema,
  expiresAt: timestampSchema,
  invitee: z.strictObject({ accountId: accountIdSchema, publicBundle, proof: fixedBytesField(INVITE_PROOF_BYTES) }).nullable(),
});
export const listInvitesResponseSchema = z.strictObject({ invites: z.array(inviteSchema) });

/**
 * POST /api/vaults/:vaultId/managers (manager): 201. The invitee of an accepted invite becomes a manager with
 * the record's keys sealed for them; the invite goes. 409 MANAGER_LIMIT beyond MAX_MANAGERS.
 */
export const addManagerRequestSchema = z.strictObject({
  inviteId: inviteIdSchema,
  accountId: accountIdSchema,
  envelope,
  startsAt: timestampSchema.nullable(),
  endsAt: timestampSchema.nullable(),
  vaultManifest: vaultManifestUpdateSchema,
});

/** DELETE /api/vaults/:vaultId/managers/:accountId (any manager, oneself included: leaving): 204. */
export const removeManagerRequestSchema = z.strictObject({ vaultManifest: vaultManifestUpdateSchema });

/** GET /api/vaults/:vaultId/managers (manager). */
export const managerSchema = z.strictObject({
  accountId: accountIdSchema,
  publicBundle,
  startsAt: timestampSchema.nullable(),
  endsAt: timestampSchema.nullable(),
  createdAt: timestampSchema,
});
export const listManagersResponseSchema = z.strictObject({ managers: z.array(managerSchema) });

export type CreateManagedVaultRequest = z.infer<typeof createManagedVaultRequestSchema>;
export type InvitePurpose = z.infer<typeof invitePurposeSchema>;
export type CreateInviteRequest = z.infer<typeof createInviteRequestSchema>;
export type AcceptInviteRequest = z.infer<typeof acceptInviteRequestSchema>;
export type AcceptInviteResponse = z.infer<typeof acceptInviteResponseSchema>;
export type Invite = z.infer<typeof inviteSchema>;
export type AddManagerRequest = z.infer<typeof addManagerRequestSchema>;
export type RemoveManagerRequest = z.infer<typeof removeManagerRequestSchema>;
export type Manager = z.infer<typeof managerSchema>;
