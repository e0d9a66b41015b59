// Per-vault access history: every envelope and payload read, with who and when, appended by the server as
// the next link of the vault's hash chain and readable by the vault's managers. A manager's client
// recomputes the chain and signs a checkpoint of its head (crypto/access-chain.ts, ATK-33).
import { z } from 'zod';
import { bytesField, fixedBytesField } from './binary.ts';
import { accountIdSchema, documentIdSchema, sequenceSchema, timestampSchema, versionSchema } from './ids.ts';

export const ACCESS_ACTIONS = ['envelope-read', 'payload-read'] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

/** A signed checkpoint: text ids, two u64, a hash and a signature; far below this. */
export const MAX_HISTORY_CHECKPOINT_BYTES = 2048;

export const accessEventSchema = z.strictObject({
  eventId: z.number().int().positive(),
  /** The event's place in its vault's chain, from 1 with no gap. */
  sequence: sequenceSchema,
  actorAccountId: accountIdSchema,
  action: z.enum(ACCESS_ACTIONS),
  documentId: documentIdSchema,
  version: versionSchema,
  at: timestampSchema,
  /** SHA-256 link: covers this event and the previous link. */
  chainHash: fixedBytesField(32),
});

/** GET /api/vaults/:vaultId/history?cursor&limit: oldest first. */
export const historyResponseSchema = z.strictObject({
  events: z.array(accessEventSchema),
  nextCursor: z.string().nullable(),
});

/** GET /api/vaults/:vaultId/history/checkpoint: the last checkpoint a manager signed, or null. */
export const historyCheckpointResponseSchema = z.strictObject({
  checkpoint: bytesField(MAX_HISTORY_CHECKPOINT_BYTES, 1).nullable(),
});

/** PUT /api/vaults/:vaultId/history/checkpoint: a newer signed checkpoint (204; CONFLICT if not newer). */
export const putHistoryCheckpointRequestSchema = z.strictObject({
  checkpoint: bytesField(MAX_HISTORY_CHECKPOINT_BYTES, 1),
});

export type AccessEvent = z.infer<typeof accessEventSchema>;
export type HistoryResponse = z.infer<typeof historyResponseSchema>;
export type HistoryCheckpointResponse = z.infer<typeof historyCheckpointResponseSchema>;
export type PutHistoryCheckpointRequest = z.infer<typeof putHistoryCheckpointRequestSchema>;
