import { Hono } from 'hono';
import { DOCUMENT_FORMAT_VERSION } from '../../crypto/document.ts';
import type { HealthResponse } from '../../shared/health.ts';

// The document format version comes from the format itself, so the two cannot drift apart.
export const healthRoutes = new Hono().get('/', (c) =>
  c.json({ status: 'ok', formats: { document: DOCUMENT_FORMAT_VERSION } } satisfies HealthResponse),
);
