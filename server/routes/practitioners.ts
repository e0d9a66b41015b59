// /api/practitioners (session): the directory search and one practitioner with their bundle. The profile
// itself is written through PUT /api/accounts/me/practitioner-profile (routes/accounts.ts).
import { Hono } from 'hono';
import { z } from 'zod';
import { accountIdSchema } from '../../shared/ids.ts';
import { searchPractitionersQuerySchema, type PractitionerResponse, type SearchPractitionersResponse } from '../../shared/practitioners.ts';
import type { AppEnv } from '../http/env.ts';
import { valid } from '../http/validation.ts';
import { practitionerById, searchPractitioners } from '../services/practitioners.ts';

const DEFAULT_LIMIT = 20;
const practitionerParams = z.object({ accountId: accountIdSchema });

export const practitionerRoutes = new Hono<AppEnv>()
  .get('/', valid('query', searchPractitionersQuerySchema), async (c) => {
    const { q, limit } = c.req.valid('query');
    return c.json({ practitioners: await searchPractitioners(c.var.deps, q, limit ?? DEFAULT_LIMIT) } satisfies SearchPractitionersResponse, 200);
  })
  .get('/:accountId', valid('param', practitionerParams), async (c) => {
    return c.json(await practitionerById(c.var.deps, c.req.valid('param').accountId) satisfies PractitionerResponse, 200);
  });
