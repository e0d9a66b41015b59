// The one check of a new password typed twice (recovery, password change), before any key is derived.
import type { Messages } from '../locales/fr.ts';
import { MIN_PASSWORD_LENGTH } from './password-strength.ts';

/** The sentence explaining why the pair is refused, or null when it may be used. */
export function newPasswordProblem(password: string, again: string, messages: Messages): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return messages.passwordTooShort;
  if (password !== again) return messages.passwordMismatch;
  return null;
}
