// GET /api/health: liveness, and the versions of the formats this server stores, so a client can refuse
// to talk to a server that expects formats it does not know.
import { z } from 'zod';

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  formats: z.object({ document: z.number().int().positive() }),
});

export type HealthResponse = z.infer<typeof healthResponseSchema>;
