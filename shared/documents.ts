// Documents: every version is an encrypted payload (a blob the server streams and never reads), the
// encrypted metadata, the envelopes (the file key wrapped for the vault) and the author-signed document
// manifest. A version is written by a resumable upload (create, PUT ranges, commit) whose commit also
// carries the new vault manifest: all of it lands, or none of it.
import { z } from 'zod';
import { bytesField } from './binary.ts';
import { grantIdSchema, grantListUpdateSchema, grantWrapBytesSchema } from './grant-parts.ts';
import { accountIdSchema, documentIdSchema, timestampSchema, uploadIdSchema, versionSchema } from './ids.ts';
import { vaultManifestUpdateSchema } from './vaults.ts';

export const MAX_PAYLOAD_BYTES = 8 * 1024 ** 3;
/** One PUT carries at most this much; larger payloads go in several ranges. */
export const MAX_CHUNK_BYTES = 64 * 1024 ** 2;
export const MAX_METADATA_BYTES = 64 * 1024;
export const MAX_MANIFEST_BYTES = 16 * 1024;
export const MAX_ENVELOPE_BYTES = 8 * 1024;
export const MAX_ENVELOPES = 64;
export const MAX_PAGE_SIZE = 200;

/** POST /api/vaults/:vaultId/uploads. */
export const createUploadRequestSchema = z.strictObject({
  size: z.number().int().nonnegative().max(MAX_PAYLOAD_BYTES),
});

/** The state of an upload: POST, GET and PUT of /api/vaults/:vaultId/uploads/:uploadId answer it. */
export const uploadStateSchema = z.strictObject({
  uploadId: uploadIdSchema,
  size: z.number().int().nonnegative(),
  /** Bytes stored so far: the next PUT starts here. */
  received: z.number().int().nonnegative(),
  expiresAt: timestampSchema,
});

/** PUT .../uploads/:uploadId carries `Content-Range: bytes START-END/SIZE`, START = received. */
export const CONTENT_RANGE_PATTERN = /^bytes (\d{1,16})-(\d{1,16})\/(\d{1,16})$/;

/** POST .../uploads/:uploadId/commit. version = 1 for a new document, else the current version + 1. */
export const commitUploadRequestSchema = z.strictObject({
  documentId: documentIdSchema,
  version: versionSchema,
  metadata: bytesField(MAX_METADATA_BYTES, 1),
  manifest: bytesField(MAX_MANIFEST_BYTES, 1),
  envelopes: z.array(bytesField(MAX_ENVELOPE_BYTES, 1)).min(1).max(MAX_ENVELOPES),
  vaultManifest: vaultManifestUpdateSchema,
  /** The new version wrapped for each grant whose scope covers it, with that grant's next list; same transaction. */
  grants: z.array(z.strictObject({ grantId: grantIdSchema, wrap: grantWrapBytesSchema, list: grantListUpdateSchema })).max(MAX_ENVELOPES).optional(),
});

export const commitUploadResponseSchema = z.strictObject({ documentId: documentIdSchema, version: versionSchema });

export const documentSummarySchema = z.strictObject({
  documentId: documentIdSchema,
  currentVersion: versionSchema,
  payloadSize: z.number().int().nonnegative(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

/** Query of list routes: an opaque cursor from the previous page and a page size. */
export const pageQuerySchema = z.strictObject({
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  limit: z.string().regex(/^\d{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(MAX_PAGE_SIZE)).optional(),
});

/** GET /api/vaults/:vaultId/documents. */
export const listDocumentsResponseSchema = z.strictObject({
  documents: z.array(documentSummarySchema),
  nextCursor: z.string().nullable(),
});

/** GET .../documents/:documentId (current version) or .../versions/:version: logged as an envelope read. */
export const documentVersionResponseSchema = z.strictObject({
  documentId: documentIdSchema,
  version: versionSchema,
  authorAccountId: accountIdSchema,
  payloadSize: z.number().int().nonnegative(),
  createdAt: timestampSchema,
  metadata: bytesField(MAX_METADATA_BYTES, 1),
  manifest: bytesField(MAX_MANIFEST_BYTES, 1),
  envelopes: z.array(bytesField(MAX_ENVELOPE_BYTES, 1)),
  /** For a grant recipient: the file key wrapped under their grant key (crypto/envelope.ts openGrantWrap). */
  grantWrap: grantWrapBytesSchema.optional(),
});

/** GET .../documents/:documentId/versions. */
export const listVersionsResponseSchema = z.strictObject({
  documentId: documentIdSchema,
  versions: z.array(z.strictObject({ version: versionSchema, payloadSize: z.number().int().nonnegative(), createdAt: timestampSchema })),
});

/** DELETE .../documents/:documentId: every version goes, with the vault manifest that no longer lists it. */
export const deleteDocumentRequestSchema = z.strictObject({ vaultManifest: vaultManifestUpdateSchema });

export type CreateUploadRequest = z.infer<typeof createUploadRequestSchema>;
export type UploadState = z.infer<typeof uploadStateSchema>;
export type CommitUploadRequest = z.infer<typeof commitUploadRequestSchema>;
export type CommitUploadResponse = z.infer<typeof commitUploadResponseSchema>;
export type DocumentSummary = z.infer<typeof documentSummarySchema>;
export type PageQuery = z.infer<typeof pageQuerySchema>;
export type ListDocumentsResponse = z.infer<typeof listDocumentsResponseSchema>;
export type DocumentVersionResponse = z.infer<typeof documentVersionResponseSchema>;
export type ListVersionsResponse = z.infer<typeof listVersionsResponseSchema>;
export type DeleteDocumentRequest = z.infer<typeof deleteDocumentRequestSchema>;
