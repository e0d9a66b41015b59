// Identifiers shared by several resources. Account ids are chosen by the user (1 to 256 UTF-8 bytes, the
// bound crypto/identity.ts enforces; no control characters, no lone surrogate, NFC only, so one id has
// one spelling in the database, in UTF-8 and in every signature that binds it). Vault, upload and document ids are 128-bit
// random values in base64url: vaults and uploads are named by the server, documents by the client (it
// signs the id into the document manifest before uploading), scoped to their vault.
import { z } from 'zod';

export const MAX_ACCOUNT_ID_BYTES = 256;
// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /\p{Cs}/u;

export const accountIdSchema = z
  .string()
  .min(1)
  .max(MAX_ACCOUNT_ID_BYTES)
  .refine((id) => !CONTROL.test(id) && !LONE_SURROGATE.test(id) && id.normalize('NFC') === id && new TextEncoder().encode(id).length <= MAX_ACCOUNT_ID_BYTES);

/** 16 random bytes, unpadded base64url: 22 characters. */
export const randomIdSchema = z.string().regex(/^[A-Za-z0-9_-]{21}[AQgw]$/);

export const vaultIdSchema = randomIdSchema;
export const documentIdSchema = randomIdSchema;
export const uploadIdSchema = randomIdSchema;

/** Vault manifest, grant list, settings and history sequences count from 1. */
export const sequenceSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/**
 * Document versions count from 1 and are a u32 in the cryptographic context (crypto/SPEC.md); bounded to
 * 2^31 - 1, PostgreSQL's integer, so that no engine refuses a value the API accepted.
 */
export const MAX_DOCUMENT_VERSION = 2_147_483_647;
export const versionSchema = z.number().int().min(1).max(MAX_DOCUMENT_VERSION);

/** Path parameters arrive as text. */
export const versionParamSchema = z.string().regex(/^[1-9][0-9]{0,9}$/).transform(Number).pipe(versionSchema);

/** Milliseconds since the epoch, as the server's clock saw them. */
export const timestampSchema = z.number().int().nonnegative();
