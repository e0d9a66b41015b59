// /api/vaults/:vaultId/uploads: resumable payload uploads. PUT streams the body straight to the blob
// store (never buffered); its Content-Range says where the bytes go.
import { Hono } from 'hono';
import { commitUploadRequestSchema, createUploadRequestSchema, MAX_CHUNK_BYTES, type CommitUploadResponse, type UploadState } from '../../shared/documents.ts';
import { ApiError } from '../http-error.ts';
import type { AppEnv } from '../http/env.ts';
import { parseContentRange } from '../http/range.ts';
import { LARGE_BODY_BYTES, limitBody, SMALL_BODY_BYTES, valid } from '../http/validation.ts';
import { commitUpload } from '../services/documents.ts';
import { abortUpload, createUpload, uploadState, writeChunk } from '../services/uploads.ts';
import { uploadParams, vaultParams } from './params.ts';

export const uploadRoutes = new Hono<AppEnv>()
  .post('/:vaultId/uploads', limitBody(SMALL_BODY_BYTES), valid('param', vaultParams), valid('json', createUploadRequestSchema), async (c) => {
    const body: UploadState = await createUpload(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId, c.req.valid('json').size);
    return c.json(body, 201);
  })
  .get('/:vaultId/uploads/:uploadId', valid('param', uploadParams), async (c) => {
    const { vaultId, uploadId } = c.req.valid('param');
    return c.json((await uploadState(c.var.deps, c.var.session.accountId, vaultId, uploadId)) satisfies UploadState, 200);
  })
  .put('/:vaultId/uploads/:uploadId', valid('param', uploadParams), async (c) => {
    const { vaultId, uploadId } = c.req.valid('param');
    const range = parseContentRange(c.req.header('content-range'));
    checkDeclaredLength(c.req.header('content-length'), range.end - range.start + 1);
    const body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (controller) => { controller.close(); } });
    const state: UploadState = await writeChunk(c.var.deps, c.var.session.accountId, vaultId, uploadId, range, body);
    return c.json(state, 200);
  })
  .delete('/:vaultId/uploads/:uploadId', valid('param', uploadParams), async (c) => {
    const { vaultId, uploadId } = c.req.valid('param');
    await abortUpload(c.var.deps, c.var.session.accountId, vaultId, uploadId);
    return c.body(null, 204);
  })
  .post('/:vaultId/uploads/:uploadId/commit', limitBody(LARGE_BODY_BYTES), valid('param', uploadParams), valid('json', commitUploadRequestSchema), async (c) => {
    const { vaultId, uploadId } = c.req.valid('param');
    const request = c.req.valid('json');
    await commitUpload(c.var.deps, c.var.session.accountId, vaultId, uploadId, request);
    return c.json({ documentId: request.documentId, version: request.version } satisfies CommitUploadResponse, 201);
  });

/** A Content-Length, when sent, must match the range; over the chunk limit it is refused before reading. */
function checkDeclaredLength(header: string | undefined, expected: number): void {
  if (expected > MAX_CHUNK_BYTES) throw new ApiError('PAYLOAD_TOO_LARGE');
  if (header === undefined) return;
  if (!/^\d{1,16}$/.test(header)) throw new ApiError('BAD_REQUEST');
  if (Number(header) !== expected) throw new ApiError(Number(header) < expected ? 'TRUNCATED_BODY' : 'PAYLOAD_TOO_LARGE');
}
