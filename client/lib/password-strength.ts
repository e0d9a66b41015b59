// A rough strength hint for the sign-up form, from length and variety only. It guides; it does not judge
// (Argon2id at 64 MiB is what makes guessing slow). The floor of 12 characters is enforced by the form, and
// the client core refuses common or guessable passwords (client/core/password-policy.ts).
import { MIN_PASSWORD_LENGTH } from '../core/password-policy.ts';

export { MIN_PASSWORD_LENGTH };

export type Strength = 'weak' | 'fair' | 'good';

export function passwordStrength(password: string): Strength {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password)).length;
  const words = password.trim().split(/\s+/).length;
  if (password.length < MIN_PASSWORD_LENGTH) return 'weak';
  if (password.length >= 20 || words >= 4 || (password.length >= 14 && classes >= 3)) return 'good';
  return 'fair';
}
