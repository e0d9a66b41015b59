// Grants: how a vault owner shares documents with one recipient (a practitioner, later a relative).
// One grant per (vault, recipient): a random grant key sealed once for the recipient and once for the
// owner (signed grant-key envelopes), one 73-byte grant wrap per shared document version, a signed grant
// list naming exactly those versions (crypto/grant-list.ts), and a scope only the owner can read
// (crypto/grant-scope.ts: which categories, or everything, so that future documents follow). The share
// itself — who, which role, until when — is a member of the owner-signed vault manifest, sent with every
// grant change; the server stops serving a grant once its end date passed (a server promise: written so).
import { z } from 'zod';
import { bytesField } from './binary.ts';
import { grantIdSchema, grantListUpdateSchema, grantWrapBytesSchema } from './grant-parts.ts';
import { MAX_PUBLIC_BUNDLE_BYTES } from './accounts.ts';
import { MAX_ENVELOPE_BYTES } from './documents.ts';
import { accountIdSchema, documentIdSchema, timestampSchema, vaultIdSchema, versionSchema } from './ids.ts';
import { vaultManifestUpdateSchema } from './vaults.ts';

export { GRANT_WRAP_BYTES, MAX_GRANT_LIST_BYTES, grantIdSchema, grantListUpdateSchema, type GrantListUpdate } from './grant-parts.ts';
/** 10,000 documents in one request, with room for their versions. */
export const MAX_GRANT_WRAPS = 50_000;
export const MAX_GRANT_SCOPE_BYTES = 64 * 1024;

export const grantWrapSchema = z.strictObject({
  documentId: documentIdSchema,
  version: versionSchema,
  wrap: grantWrapBytesSchema,
});

/** POST /api/vaults/:vaultId/grants (owner): 201 { grantId }; 409 CONFLICT if the recipient already has a grant here or the manifest sequence is stale; 404 for an unknown recipient. */
export const createGrantRequestSchema = z.strictObject({
  grantId: grantIdSchema,
  recipientAccountId: accountIdSchema,
  /** 'contributor' also lets the recipient add documents (shared/contributions.ts); equals the signed share's role. */
  role: z.enum(['reader', 'contributor']),
  /** Server-enforced end of reads (ms since the epoch), equal to the share's endsAt in the vault manifest. */
  endsAt: timestampSchema.nullable(),
  recipientEnvelope: bytesField(MAX_ENVELOPE_BYTES, 1),
  ownerEnvelope: bytesField(MAX_ENVELOPE_BYTES, 1),
  scope: bytesField(MAX_GRANT_SCOPE_BYTES, 1),
  list: grantListUpdateSchema,
  wraps: z.array(grantWrapSchema).max(MAX_GRANT_WRAPS),
  vaultManifest: vaultManifestUpdateSchema,
});
export const createGrantResponseSchema = z.strictObject({ grantId: grantIdSchema });

/**
 * PATCH /api/vaults/:vaultId/grants/:grantId (owner): 204. Adds wraps, drops every wrap of the listed
 * documents, replaces the list (sequence = stored + 1) and, when given, the scope, the end date and the
 * vault manifest (a changed end date changes the signed share).
 */
export const updateGrantRequestSchema = z.strictObject({
  list: grantListUpdateSchema,
  wraps: z.array(grantWrapSchema).max(MAX_GRANT_WRAPS),
  removeDocuments: z.array(documentIdSchema).max(MAX_GRANT_WRAPS),
  scope: bytesField(MAX_GRANT_SCOPE_BYTES, 1).optional(),
  endsAt: timestampSchema.nullable().optional(),
  role: z.enum(['reader', 'contributor']).optional(),
  vaultManifest: vaultManifestUpdateSchema.optional(),
});

/** DELETE /api/vaults/:vaultId/grants/:grantId (owner): 204; the grant and every wrap go, with the manifest that no longer lists the share. */
export const revokeGrantRequestSchema = z.strictObject({ vaultManifest: vaultManifestUpdateSchema });

/** A grant as its owner sees it (GET /api/vaults/:vaultId/grants), ended ones included. */
export const ownedGrantSchema = z.strictObject({
  grantId: grantIdSchema,
  recipientAccountId: accountIdSchema,
  role: z.enum(['reader', 'contributor']),
  createdAt: timestampSchema,
  endsAt: timestampSchema.nullable(),
  ownerEnvelope: bytesField(MAX_ENVELOPE_BYTES, 1),
  scope: bytesField(MAX_GRANT_SCOPE_BYTES, 1),
  list: grantListUpdateSchema,
});
export const listOwnedGrantsResponseSchema = z.strictObject({ grants: z.array(ownedGrantSchema) });

/** A grant as its recipient sees it (GET /api/shares): only those not ended, with the owner's bundle to pin. */
export const receivedGrantSchema = z.strictObject({
  vaultId: vaultIdSchema,
  grantId: grantIdSchema,
  ownerAccountId: accountIdSchema,
  ownerPublicBundle: bytesField(MAX_PUBLIC_BUNDLE_BYTES, 1),
  role: z.enum(['reader', 'contributor']),
  createdAt: timestampSchema,
  endsAt: timestampSchema.nullable(),
  recipientEnvelope: bytesField(MAX_ENVELOPE_BYTES, 1),
  list: grantListUpdateSchema,
});
export const listReceivedGrantsResponseSchema = z.strictObject({ grants: z.array(receivedGrantSchema) });

export type GrantWrap = z.infer<typeof grantWrapSchema>;
export type CreateGrantRequest = z.infer<typeof createGrantRequestSchema>;
export type CreateGrantResponse = z.infer<typeof createGrantResponseSchema>;
export type UpdateGrantRequest = z.infer<typeof updateGrantRequestSchema>;
export type RevokeGrantRequest = z.infer<typeof revokeGrantRequestSchema>;
export type OwnedGrant = z.infer<typeof ownedGrantSchema>;
export type ReceivedGrant = z.infer<typeof receivedGrantSchema>;
