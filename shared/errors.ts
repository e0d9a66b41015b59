// The API's error codes: the one list both sides use. The server maps each to an HTTP status in its
// onError; the client maps each back to a typed error in request(). Bodies are { error: { code } } and
// carry no detail that could hold user data.
import { z } from 'zod';

export const API_ERROR_STATUS = {
  /** Malformed JSON, a wrong type, a missing or unknown field, a bad header. */
  BAD_REQUEST: 400,
  /** KDF parameters outside the floor and ceiling of crypto/password.ts. */
  KDF_PARAMS_REJECTED: 400,
  /** An upload chunk ended before the length its Content-Range announced. */
  TRUNCATED_BODY: 400,
  /** No session, an expired one, or wrong credentials (one code for all: no enumeration). */
  UNAUTHENTICATED: 401,
  /** A state-changing browser request from another origin (ATK-31). */
  FORBIDDEN_ORIGIN: 403,
  /** A practitioner-only action (the directory profile) from an account whose key bundle is not a practitioner's. */
  NOT_A_PRACTITIONER: 403,
  /** Unknown, or belonging to someone else: the two are never told apart. */
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** A vault manifest sequence that is not the current one + 1, a version already taken, a chunk not at the end. */
  CONFLICT: 409,
  /** This RPPS number is already in another practitioner's profile. */
  RPPS_TAKEN: 409,
  /** A record already has its maximum number of managers (shared/managed-vaults.ts MAX_MANAGERS). */
  MANAGER_LIMIT: 409,
  /** Commit of an upload that has not received all its bytes. */
  UPLOAD_INCOMPLETE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
  /** Login throttled for this account or this address; retry later. */
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  /** The server's storage cannot take the bytes (disk or quota full); nothing was half-written, retry later. */
  INSUFFICIENT_STORAGE: 507,
  /** The server's storage refuses writes (read-only, permissions, I/O error); nothing was half-written. */
  STORAGE_UNAVAILABLE: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export const apiErrorBodySchema = z.object({
  error: z.object({ code: z.enum(Object.keys(API_ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]]) }),
});

export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;
