// One typed error for the routes: services throw it with a code from shared/errors.ts, onError turns it
// into { error: { code } } with the mapped status.
import type { ApiErrorCode } from '../shared/errors.ts';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly code: ApiErrorCode) {
    super(code);
  }
}
