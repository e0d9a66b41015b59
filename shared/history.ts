// Per-vault access history: every envelope and payload read, with who and when, appended by the server
// and readable by the vault's managers. Append-only storage now; hash chaining and signed checkpoints
// (ATK-33) come later.
import { z } from 'zod';
import { accountIdSchema, documentIdSchema, sequenceSchema, timestampSchema } from './ids.ts';

export const ACCESS_ACTIONS = ['envelope-read', 'payload-read'] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

export const accessEventSchema = z.strictObject({
  eventId: z.number().int().positive(),
  actorAccountId: accountIdSchema,
  action: z.enum(ACCESS_ACTIONS),
  documentId: documentIdSchema,
  version: sequenceSchema,
  at: timestampSchema,
});

/** GET /api/vaults/:vaultId/history?cursor&limit: oldest first. */
export const historyResponseSchema = z.strictObject({
  events: z.array(accessEventSchema),
  nextCursor: z.string().nullable(),
});

export type AccessEvent = z.infer<typeof accessEventSchema>;
export type HistoryResponse = z.infer<typeof historyResponseSchema>;
