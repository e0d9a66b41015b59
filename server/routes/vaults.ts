// /api/vaults: the vaults the caller manages, their current manifest, their access history and its last
// signed checkpoint.
import { Hono } from 'hono';
import { pageQuerySchema } from '../../shared/documents.ts';
import { putHistoryCheckpointRequestSchema, type HistoryResponse } from '../../shared/history.ts';
import { putVaultManifestRequestSchema, type ListVaultsResponse, type VaultManifestResponse } from '../../shared/vaults.ts';
import { ApiError } from '../http-error.ts';
import type { AppEnv } from '../http/env.ts';
import { LARGE_BODY_BYTES, limitBody, SMALL_BODY_BYTES, valid } from '../http/validation.ts';
import { historyCheckpoint, listAccess, putHistoryCheckpoint } from '../services/history.ts';
import { listVaults, putManifest, requireManagedVault, vaultManifest } from '../services/vaults.ts';
import { vaultParams } from './params.ts';

const DEFAULT_PAGE = 50;

export const vaultRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json({ vaults: await listVaults(c.var.deps, c.var.session.accountId) } satisfies ListVaultsResponse, 200))
  .get('/:vaultId/manifest', valid('param', vaultParams), async (c) => {
    const body: VaultManifestResponse = await vaultManifest(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId);
    return c.json(body, 200);
  })
  .put('/:vaultId/manifest', limitBody(LARGE_BODY_BYTES), valid('param', vaultParams), valid('json', putVaultManifestRequestSchema), async (c) => {
    await putManifest(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId, c.req.valid('json').vaultManifest);
    return c.body(null, 204);
  })
  .get('/:vaultId/history', valid('param', vaultParams), valid('query', pageQuerySchema), async (c) => {
    const { vaultId } = c.req.valid('param');
    const { cursor, limit } = c.req.valid('query');
    await requireManagedVault(c.var.deps.storage.read, c.var.session.accountId, vaultId, c.var.deps.clock());
    const after = cursor === undefined ? 0 : Number(cursor);
    if (!Number.isSafeInteger(after)) throw new ApiError('BAD_REQUEST');
    const body: HistoryResponse = await listAccess(c.var.deps, vaultId, after, limit ?? DEFAULT_PAGE);
    return c.json(body, 200);
  })
  .get('/:vaultId/history/checkpoint', valid('param', vaultParams), async (c) => {
    return c.json(await historyCheckpoint(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId), 200);
  })
  .put('/:vaultId/history/checkpoint', limitBody(SMALL_BODY_BYTES), valid('param', vaultParams), valid('json', putHistoryCheckpointRequestSchema), async (c) => {
    await putHistoryCheckpoint(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId, c.req.valid('json').checkpoint);
    return c.body(null, 204);
  });
