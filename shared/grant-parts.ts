// The pieces of a grant that documents.ts (commit, version reads) and grants.ts both use, kept apart so
// that neither imports the other.
import { z } from 'zod';
import { bytesField, fixedBytesField } from './binary.ts';
import { randomIdSchema, sequenceSchema } from './ids.ts';

export const grantIdSchema = randomIdSchema;
/** crypto/envelope.ts GRANT_WRAP_BYTES: version, nonce, sealed file key. */
export const GRANT_WRAP_BYTES = 73;
export const MAX_GRANT_LIST_BYTES = 4 * 1024 * 1024;

export const grantWrapBytesSchema = fixedBytesField(GRANT_WRAP_BYTES);

/** A new signed grant list (crypto/grant-list.ts): sequence = the stored one + 1 (1 at creation). */
export const grantListUpdateSchema = z.strictObject({
  sequence: sequenceSchema,
  list: bytesField(MAX_GRANT_LIST_BYTES, 1),
});

export type GrantListUpdate = z.infer<typeof grantListUpdateSchema>;
