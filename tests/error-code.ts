// The CryptoError code a synchronous call fails with, for tests that compare codes across many inputs.
import { isApiClientError } from '../client/core/api.ts';
import { isWeakPasswordError } from '../client/core/password-policy.ts';
import { isCryptoError, type CryptoErrorCode } from '../crypto/errors.ts';

/** The code `run` throws, 'no error' when it returns; any other exception is rethrown (a bug). */
export function codeOf(run: () => unknown): CryptoErrorCode | 'no error' {
  try {
    run();
    return 'no error';
  } catch (error) {
    if (!isCryptoError(error)) throw error;
    return error.code;
  }
}

/** The CryptoError, API error or PASSWORD_TOO_WEAK code `promise` rejects with, '(none)' when it resolves; anything else is rethrown. */
export async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return '(none)';
  } catch (error) {
    if (isCryptoError(error) || isApiClientError(error) || isWeakPasswordError(error)) return error.code;
    throw error;
  }
}
