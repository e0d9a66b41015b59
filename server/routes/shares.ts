// /api/shares (session): the active grants addressed to the caller (a practitioner, later a relative).
import { Hono } from 'hono';
import type { ReceivedGrant } from '../../shared/grants.ts';
import type { AppEnv } from '../http/env.ts';
import { listReceivedGrants } from '../services/grants.ts';

export const shareRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json({ grants: await listReceivedGrants(c.var.deps, c.var.session.accountId) } satisfies { grants: ReceivedGrant[] }, 200));
