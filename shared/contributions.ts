// Contributions: a practitioner with an active contributor share adds a document (a lab result, a letter)
// to a patient's record. It arrives signed by the practitioner and sealed for the vault's key, and waits,
// outside the owner-signed vault manifest, until the owner's client has verified the signature against the
// share list (ATK-06) and accepted it into the next manifest, or deleted it.
import { z } from 'zod';
import { bytesField } from './binary.ts';
import { MAX_ENVELOPE_BYTES, MAX_ENVELOPES, MAX_MANIFEST_BYTES, MAX_METADATA_BYTES } from './documents.ts';
import { accountIdSchema, documentIdSchema, timestampSchema } from './ids.ts';
import { vaultManifestUpdateSchema } from './vaults.ts';

/**
 * POST /api/vaults/:vaultId/uploads/:uploadId/contribute (a contributor whose share is active, on an upload
 * they created): 201 { documentId, version: 1 }. Always a new document, version 1, stored as pending.
 */
export const contributeRequestSchema = z.strictObject({
  documentId: documentIdSchema,
  metadata: bytesField(MAX_METADATA_BYTES, 1),
  manifest: bytesField(MAX_MANIFEST_BYTES, 1),
  envelopes: z.array(bytesField(MAX_ENVELOPE_BYTES, 1)).min(1).max(MAX_ENVELOPES),
});

/** A pending contribution as the vault's managers see it (GET /api/vaults/:vaultId/contributions). */
export const contributionSchema = z.strictObject({
  documentId: documentIdSchema,
  /** The account that uploaded it, per the server; the client trusts only the signature in `manifest`. */
  authorAccountId: accountIdSchema,
  payloadSize: z.number().int().nonnegative(),
  createdAt: timestampSchema,
  metadata: bytesField(MAX_METADATA_BYTES, 1),
  manifest: bytesField(MAX_MANIFEST_BYTES, 1),
  envelopes: z.array(bytesField(MAX_ENVELOPE_BYTES, 1)),
});
export const listContributionsResponseSchema = z.strictObject({ contributions: z.array(contributionSchema) });

/** POST /api/vaults/:vaultId/contributions/:documentId/accept (manager): 204; the document joins the listing with this manifest. */
export const acceptContributionRequestSchema = z.strictObject({ vaultManifest: vaultManifestUpdateSchema });

/** DELETE /api/vaults/:vaultId/contributions/:documentId (manager): 204; the pending document and its blob go. */

export type ContributeRequest = z.infer<typeof contributeRequestSchema>;
export type Contribution = z.infer<typeof contributionSchema>;
export type ListContributionsResponse = z.infer<typeof listContributionsResponseSchema>;
export type AcceptContributionRequest = z.infer<typeof acceptContributionRequestSchema>;
