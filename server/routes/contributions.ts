// Contributions (shared/contributions.ts): an active contributor turns its upload into a pending document;
// the vault's managers list, accept (with the next vault manifest) or delete pending ones. NOT_FOUND for
// anyone else, a contributor whose share ended included.
import { Hono } from 'hono';
import { acceptContributionRequestSchema, contributeRequestSchema, type ListContributionsResponse } from '../../shared/contributions.ts';
import type { CommitUploadResponse } from '../../shared/documents.ts';
import type { AppEnv } from '../http/env.ts';
import { LARGE_BODY_BYTES, limitBody, valid } from '../http/validation.ts';
import { acceptContribution, contribute, deleteContribution, listContributions } from '../services/contributions.ts';
import { documentParams, uploadParams, vaultParams } from './params.ts';

export const contributionRoutes = new Hono<AppEnv>()
  .post('/:vaultId/uploads/:uploadId/contribute', limitBody(LARGE_BODY_BYTES), valid('param', uploadParams), valid('json', contributeRequestSchema), async (c) => {
    const { vaultId, uploadId } = c.req.valid('param');
    const request = c.req.valid('json');
    await contribute(c.var.deps, c.var.session.accountId, vaultId, uploadId, request);
    return c.json({ documentId: request.documentId, version: 1 } satisfies CommitUploadResponse, 201);
  })
  .get('/:vaultId/contributions', valid('param', vaultParams), async (c) => {
    const body: ListContributionsResponse = { contributions: await listContributions(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId) };
    return c.json(body, 200);
  })
  .post('/:vaultId/contributions/:documentId/accept', limitBody(LARGE_BODY_BYTES), valid('param', documentParams), valid('json', acceptContributionRequestSchema), async (c) => {
    const { vaultId, documentId } = c.req.valid('param');
    await acceptContribution(c.var.deps, c.var.session.accountId, vaultId, documentId, c.req.valid('json').vaultManifest);
    return c.body(null, 204);
  })
  .delete('/:vaultId/contributions/:documentId', valid('param', documentParams), async (c) => {
    const { vaultId, documentId } = c.req.valid('param');
    await deleteContribution(c.var.deps, c.var.session.accountId, vaultId, documentId);
    return c.body(null, 204);
  });
