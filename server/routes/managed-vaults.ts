// Managed records (shared/managed-vaults.ts) under /api/vaults: create one, its invites and its managers.
// Every route but creation is for the record's active managers: NOT_FOUND for anyone else.
import { Hono } from 'hono';
import { accountIdSchema } from '../../shared/ids.ts';
import {
  addManagerRequestSchema, createInviteRequestSchema, createManagedVaultRequestSchema, inviteIdSchema, removeManagerRequestSchema,
  type CreateManagedVaultRequest, type Invite, type Manager,
} from '../../shared/managed-vaults.ts';
import type { AppEnv } from '../http/env.ts';
import { LARGE_BODY_BYTES, limitBody, SMALL_BODY_BYTES, valid } from '../http/validation.ts';
import { createInvite, deleteInvite, listInvites } from '../services/invites.ts';
import { addManager, createManagedVault, listManagers, removeManager } from '../services/managed-vaults.ts';
import { vaultParams } from './params.ts';

const inviteParams = vaultParams.extend({ inviteId: inviteIdSchema });
const managerParams = vaultParams.extend({ accountId: accountIdSchema });

export const managedVaultRoutes = new Hono<AppEnv>()
  .post('/', limitBody(LARGE_BODY_BYTES), valid('json', createManagedVaultRequestSchema), async (c) => {
    const request = c.req.valid('json');
    await createManagedVault(c.var.deps, c.var.session.accountId, request);
    return c.json({ vaultId: request.vaultId } satisfies Pick<CreateManagedVaultRequest, 'vaultId'>, 201);
  })
  .post('/:vaultId/invites', limitBody(SMALL_BODY_BYTES), valid('param', vaultParams), valid('json', createInviteRequestSchema), async (c) => {
    await createInvite(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId, c.req.valid('json'));
    return c.body(null, 201);
  })
  .get('/:vaultId/invites', valid('param', vaultParams), async (c) => {
    return c.json({ invites: await listInvites(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId) } satisfies { invites: Invite[] }, 200);
  })
  .delete('/:vaultId/invites/:inviteId', valid('param', inviteParams), async (c) => {
    const { vaultId, inviteId } = c.req.valid('param');
    await deleteInvite(c.var.deps, c.var.session.accountId, vaultId, inviteId);
    return c.body(null, 204);
  })
  .post('/:vaultId/managers', limitBody(LARGE_BODY_BYTES), valid('param', vaultParams), valid('json', addManagerRequestSchema), async (c) => {
    await addManager(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId, c.req.valid('json'));
    return c.body(null, 201);
  })
  .get('/:vaultId/managers', valid('param', vaultParams), async (c) => {
    return c.json({ managers: await listManagers(c.var.deps, c.var.session.accountId, c.req.valid('param').vaultId) } satisfies { managers: Manager[] }, 200);
  })
  .delete('/:vaultId/managers/:accountId', limitBody(LARGE_BODY_BYTES), valid('param', managerParams), valid('json', removeManagerRequestSchema), async (c) => {
    const { vaultId, accountId } = c.req.valid('param');
    await removeManager(c.var.deps, c.var.session.accountId, vaultId, accountId, c.req.valid('json').vaultManifest);
    return c.body(null, 204);
  });
