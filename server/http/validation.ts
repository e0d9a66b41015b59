// Request validation with the shared schemas through @hono/zod-validator. A failure becomes a stable code
// (no zod detail is echoed: it could quote user input): BAD_REQUEST for bodies and queries, NOT_FOUND for
// path ids that cannot name anything. Malformed JSON is refused by Hono before the hook (400 → BAD_REQUEST).
import { zValidator } from '@hono/zod-validator';
import type { MiddlewareHandler, ValidationTargets } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import type { ApiErrorCode } from '../../shared/errors.ts';
import { ApiError } from '../http-error.ts';

export function valid<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  const code: ApiErrorCode = target === 'param' ? 'NOT_FOUND' : 'BAD_REQUEST';
  return zValidator(target, schema, (result) => {
    if (!result.success) throw new ApiError(code);
  });
}

/** Small JSON bodies (account and session routes). */
export const SMALL_BODY_BYTES = 64 * 1024;
/** Bodies that carry a vault manifest (up to 4 MiB of bytes, base64url) and envelopes. */
export const LARGE_BODY_BYTES = 8 * 1024 * 1024;
/** Grant create and change: up to 50,000 wraps (shared/grants.ts MAX_GRANT_WRAPS), a 4 MiB list and a manifest. */
export const GRANT_BODY_BYTES = 16 * 1024 * 1024;

/**
 * At most maxSize bytes of body (PAYLOAD_TOO_LARGE beyond). A body stream that fails while it is read
 * (the client went away mid-body) is BAD_REQUEST like any body that is not whole JSON, not INTERNAL.
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError('PAYLOAD_TOO_LARGE');
    },
  });
  return async (c, next) => {
    const progress = { bodyRead: false };
    try {
      await limit(c, async () => {
        progress.bodyRead = true;
        await next();
      });
    } catch (error) {
      if (progress.bodyRead || error instanceof ApiError) throw error;
      throw new ApiError('BAD_REQUEST');
    }
  };
}
