// Path parameters of the vault routes; a malformed id cannot name anything, so it is NOT_FOUND.
import { z } from 'zod';
import { documentIdSchema, uploadIdSchema, vaultIdSchema, versionParamSchema } from '../../shared/ids.ts';

export const vaultParams = z.object({ vaultId: vaultIdSchema });
export const uploadParams = vaultParams.extend({ uploadId: uploadIdSchema });
export const documentParams = vaultParams.extend({ documentId: documentIdSchema });
export const versionParams = documentParams.extend({ version: versionParamSchema });
