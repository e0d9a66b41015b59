// /api/vaults/:vaultId/documents: list, read a version (envelopes, metadata, manifest), versions,
// payload download (streamed, Range), delete.
import { Hono } from 'hono';
import { deleteDocumentRequestSchema, pageQuerySchema, type DocumentVersionResponse, type ListDocumentsResponse, type ListVersionsResponse } from '../../shared/documents.ts';
import type { AppEnv } from '../http/env.ts';
import { parseRange } from '../http/range.ts';
import { LARGE_BODY_BYTES, limitBody, valid } from '../http/validation.ts';
import { deleteDocument, listDocuments, listVersions, openPayload, payloadSize, readVersion } from '../services/documents.ts';
import { documentParams, vaultParams, versionParams } from './params.ts';

const DEFAULT_PAGE = 50;

export const documentRoutes = new Hono<AppEnv>()
  .get('/:vaultId/documents', valid('param', vaultParams), valid('query', pageQuerySchema), async (c) => {
    const { cursor, limit } = c.req.valid('query');
    const body: ListDocumentsResponse = await listDocuments(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId, cursor, limit ?? DEFAULT_PAGE);
    return c.json(body, 200);
  })
  .get('/:vaultId/documents/:documentId', valid('param', documentParams), async (c) => {
    const { vaultId, documentId } = c.req.valid('param');
    return c.json((await readVersion(c.var.deps, c.var.session.accountId, vaultId, documentId)) satisfies DocumentVersionResponse, 200);
  })
  .get('/:vaultId/documents/:documentId/versions', valid('param', documentParams), async (c) => {
    const { vaultId, documentId } = c.req.valid('param');
    return c.json((await listVersions(c.var.deps, c.var.session.accountId, vaultId, documentId)) satisfies ListVersionsResponse, 200);
  })
  .get('/:vaultId/documents/:documentId/versions/:version', valid('param', versionParams), async (c) => {
    const { vaultId, documentId, version } = c.req.valid('param');
    return c.json((await readVersion(c.var.deps, c.var.session.accountId, vaultId, documentId, version)) satisfies DocumentVersionResponse, 200);
  })
  .get('/:vaultId/documents/:documentId/versions/:version/payload', valid('param', versionParams), async (c) => {
    const { vaultId, documentId, version } = c.req.valid('param');
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', 'cache-control': 'no-store' };
    if (c.req.method === 'HEAD') {
      const size = await payloadSize(c.var.deps, c.var.session.accountId, vaultId, documentId, version);
      return c.body(null, 200, { ...headers, 'content-length': String(size) });
    }
    const header = c.req.header('range');
    const payload = await openPayload(c.var.deps, c.var.session.accountId, vaultId, documentId, version, (size) => parseRange(header, size));
    if (payload.range === undefined) return c.body(payload.stream, 200, { ...headers, 'content-length': String(payload.size) });
    const { start, end } = payload.range;
    return c.body(payload.stream, 206, { ...headers, 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${payload.size}` });
  })
  .delete('/:vaultId/documents/:documentId', limitBody(LARGE_BODY_BYTES), valid('param', documentParams), valid('json', deleteDocumentRequestSchema), async (c) => {
    const { vaultId, documentId } = c.req.valid('param');
    await deleteDocument(c.var.deps, c.var.session.accountId, vaultId, documentId, c.req.valid('json').vaultManifest);
    return c.body(null, 204);
  });
