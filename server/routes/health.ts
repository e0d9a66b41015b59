import { Hono } from 'hono';
import type { HealthResponse } from '../../shared/health.ts';

export const DOCUMENT_FORMAT_VERSION = 1;

export const healthRoutes = new Hono().get('/', (c) =>
  c.json({ status: 'ok', formats: { document: DOCUMENT_FORMAT_VERSION } } satisfies HealthResponse),
);
