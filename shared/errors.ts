// The API's error codes: the one list both sides use. The server maps each to an HTTP status in its
// onError; the client maps each back to a typed error in request(). Bodies are { error: { code } } and
// carry no detail that could hold user data.
import { z } from 'zod';

export const API_ERROR_STATUS = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export const apiErrorBodySchema = z.object({
  error: z.object({ code: z.enum(Object.keys(API_ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]]) }),
});

export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;
