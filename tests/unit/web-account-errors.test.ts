// The account forms' wording (client/lib/error-message.ts, client/lib/new-password.ts): during recovery,
// a password change or a deletion, UNAUTHENTICATED means wrong words or a wrong password, never "session
// expired"; bad words and a bundle the server forged each have their own sentence, in both languages.
import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../client/lib/error-message.ts';
import { newPasswordProblem } from '../../client/lib/new-password.ts';
import { VaultError } from '../../client/lib/vault-client.ts';
import { en } from '../../client/locales/en.ts';
import { fr } from '../../client/locales/fr.ts';

const failure = (code: string) => new VaultError({ source: code === 'UNAUTHENTICATED' ? 'api' : 'crypto', code });

describe('account form errors', () => {
  it('reads UNAUTHENTICATED by the form it came from', () => {
    for (const messages of [fr, en]) {
      expect(errorMessage(failure('UNAUTHENTICATED'), messages, 'recovery')).toBe(messages.errorWrongRecovery);
      expect(errorMessage(failure('UNAUTHENTICATED'), messages, 'password')).toBe(messages.errorWrongPassword);
      expect(errorMessage(failure('UNAUTHENTICATED'), messages, 'login')).toBe(messages.errorWrongCredentials);
      expect(errorMessage(failure('UNAUTHENTICATED'), messages)).toBe(messages.errorSessionExpired);
    }
  });

  it('ATK-24 tells bad recovery words apart from a recovery bundle the server forged', () => {
    const words = errorMessage(failure('RECOVERY_PHRASE_INVALID'), fr, 'recovery');
    const forged = errorMessage(failure('KEY_BUNDLE_INVALID'), fr, 'recovery');
    expect(words).toBe(fr.errorRecoveryWords);
    expect(forged).toBe(fr.errorKeys);
    expect(new Set([words, forged, fr.errorWrongRecovery, fr.errorGeneric]).size).toBe(4);
  });

  it('refuses a new password under 12 characters or not typed twice the same', () => {
    expect(newPasswordProblem('short', 'short', fr)).toBe(fr.passwordTooShort);
    expect(newPasswordProblem('long enough password', 'long enough passwore', fr)).toBe(fr.passwordMismatch);
    expect(newPasswordProblem('long enough password', 'long enough password', en)).toBeNull();
  });
});
