// /api/vaults/:vaultId/settings (the vault's managers): the sealed settings and their sequence.
import { Hono } from 'hono';
import { putVaultSettingsRequestSchema, type VaultSettingsResponse } from '../../shared/vault-settings.ts';
import type { AppEnv } from '../http/env.ts';
import { LARGE_BODY_BYTES, limitBody, valid } from '../http/validation.ts';
import { putVaultSettings, vaultSettings } from '../services/vault-settings.ts';
import { vaultParams } from './params.ts';

export const vaultSettingsRoutes = new Hono<AppEnv>()
  .get('/:vaultId/settings', valid('param', vaultParams), async (c) => {
    return c.json(await vaultSettings(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId) satisfies VaultSettingsResponse, 200);
  })
  .put('/:vaultId/settings', limitBody(LARGE_BODY_BYTES), valid('param', vaultParams), valid('json', putVaultSettingsRequestSchema), async (c) => {
    await putVaultSettings(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId, c.req.valid('json'));
    return c.body(null, 204);
  });
