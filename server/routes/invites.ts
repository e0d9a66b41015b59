// /api/invites/:inviteId/accept (any logged-in account): the invitee's proof over their own bundle, for the
// inviting manager's client to check; the answer is the record's bundle, for the invitee's client to check.
import { Hono } from 'hono';
import { z } from 'zod';
import { acceptInviteRequestSchema, inviteIdSchema, type AcceptInviteResponse } from '../../shared/managed-vaults.ts';
import type { AppEnv } from '../http/env.ts';
import { limitBody, SMALL_BODY_BYTES, valid } from '../http/validation.ts';
import { acceptInvite } from '../services/invites.ts';

const inviteParams = z.object({ inviteId: inviteIdSchema });

export const inviteRoutes = new Hono<AppEnv>()
  .post('/:inviteId/accept', limitBody(SMALL_BODY_BYTES), valid('param', inviteParams), valid('json', acceptInviteRequestSchema), async (c) => {
    const body: AcceptInviteResponse = await acceptInvite(c.var.deps, c.var.session.accountId, c.req.valid('param').inviteId, c.req.valid('json').proof);
    return c.json(body, 200);
  });
