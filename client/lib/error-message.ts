// From a failure's stable code to a sentence for the patient (STYLE.md 7): the one place that maps codes.
import type { Messages } from '../locales/fr.ts';
import { VaultError } from './vault-client.ts';

const INTEGRITY = new Set([
  'DECRYPTION_FAILED', 'STREAM_TRUNCATED', 'STREAM_TRAILING_DATA', 'FORMAT_INVALID', 'VERSION_UNSUPPORTED', 'NO_MATCH',
  'SIGNATURE_INVALID', 'SIGNER_NOT_ALLOWED', 'COMMITMENT_MISMATCH', 'MANIFEST_MISMATCH', 'ROLLBACK', 'CHAIN_BROKEN',
  'RECORD_MISSING', 'RECORD_UNEXPECTED', 'RECIPIENT_NOT_ALLOWED', 'KEY_INVALID', 'BAD_RESPONSE',
]);

const BY_CODE: Record<string, keyof Messages> = {
  UNAUTHENTICATED: 'errorSessionExpired',
  KDF_PARAMS_TOO_WEAK: 'errorWeakServerParams',
  KDF_PARAMS_TOO_COSTLY: 'errorWeakServerParams',
  KEY_BUNDLE_INVALID: 'errorKeys',
  NETWORK: 'errorNetwork',
  TOO_MANY_REQUESTS: 'errorThrottled',
  PAYLOAD_TOO_LARGE: 'errorTooLarge',
  CONFLICT: 'errorConflict',
  NOT_FOUND: 'errorNotFound',
  INVALID_INPUT: 'errorInvalidInput',
  RECOVERY_PHRASE_INVALID: 'errorRecoveryWords',
  PASSWORD_TOO_WEAK: 'errorPasswordTooWeak',
  INSUFFICIENT_STORAGE: 'errorServerFull',
  STORAGE_UNAVAILABLE: 'errorServerStorage',
  KEY_CHANGED: 'errorKeyChanged',
  RPPS_TAKEN: 'errorRppsTaken',
  NOT_A_PRACTITIONER: 'errorNotPractitioner',
  SHARE_BLOCKED: 'errorShareBlocked',
  MANAGER_LIMIT: 'errorManagerLimit',
};

/** What UNAUTHENTICATED means during each kind of form: the credentials it checked were wrong. */
const WRONG_CREDENTIALS = { login: 'errorWrongCredentials', recovery: 'errorWrongRecovery', password: 'errorWrongPassword' } as const satisfies Record<string, keyof Messages>;

export type ErrorContext = keyof typeof WRONG_CREDENTIALS | 'other';

/**
 * The sentence for `error`. During a form that checks credentials ('login', 'recovery': identifier and
 * words; 'password': the current password), UNAUTHENTICATED reads as wrong credentials, not expiry.
 */
export function errorMessage(error: unknown, messages: Messages, during: ErrorContext = 'other'): string {
  const code = error instanceof VaultError ? error.code : 'UNKNOWN';
  if (code === 'UNAUTHENTICATED' && during !== 'other') return messages[WRONG_CREDENTIALS[during]];
  if (INTEGRITY.has(code)) return messages.errorIntegrity;
  const key = BY_CODE[code];
  return key === undefined ? messages.errorGeneric : messages[key];
}

/** True when the failure means the session is gone and the patient must log in again. */
export function isSessionLost(error: unknown): boolean {
  return error instanceof VaultError && error.code === 'UNAUTHENTICATED';
}
