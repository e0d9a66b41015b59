// /api/vaults/:vaultId/grants (owner only; NOT_FOUND for anyone else): create, list, change, revoke.
// Create and change carry up to tens of thousands of wraps: a 16 MiB body limit.
import { Hono } from 'hono';
import {
  createGrantRequestSchema, grantIdSchema, revokeGrantRequestSchema, updateGrantRequestSchema,
  type CreateGrantResponse, type OwnedGrant,
} from '../../shared/grants.ts';
import type { AppEnv } from '../http/env.ts';
import { GRANT_BODY_BYTES, LARGE_BODY_BYTES, limitBody, valid } from '../http/validation.ts';
import { createGrant, listOwnedGrants, revokeGrant, updateGrant } from '../services/grants.ts';
import { vaultParams } from './params.ts';

const grantParams = vaultParams.extend({ grantId: grantIdSchema });

export const grantRoutes = new Hono<AppEnv>()
  .post('/:vaultId/grants', limitBody(GRANT_BODY_BYTES), valid('param', vaultParams), valid('json', createGrantRequestSchema), async (c) => {
    const request = c.req.valid('json');
    await createGrant(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId, request);
    return c.json({ grantId: request.grantId } satisfies CreateGrantResponse, 201);
  })
  .get('/:vaultId/grants', valid('param', vaultParams), async (c) => {
    return c.json({ grants: await listOwnedGrants(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId) } satisfies { grants: OwnedGrant[] }, 200);
  })
  .patch('/:vaultId/grants/:grantId', limitBody(GRANT_BODY_BYTES), valid('param', grantParams), valid('json', updateGrantRequestSchema), async (c) => {
    const { vaultId, grantId } = c.req.valid('param');
    await updateGrant(c.var.deps, c.var.session.accountId, vaultId, grantId, c.req.valid('json'));
    return c.body(null, 204);
  })
  .delete('/:vaultId/grants/:grantId', limitBody(LARGE_BODY_BYTES), valid('param', grantParams), valid('json', revokeGrantRequestSchema), async (c) => {
    const { vaultId, grantId } = c.req.valid('param');
    await revokeGrant(c.var.deps, c.var.session.accountId, vaultId, grantId, c.req.valid('json').vaultManifest);
    return c.body(null, 204);
  });
