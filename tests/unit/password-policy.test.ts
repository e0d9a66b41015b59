// The password policy of client/core (ATK-27): long enough, and not among the first guesses of a cracker
// (common passwords, French words and names, keyboard walks, the account id with a year).
import { describe, expect, it } from 'vitest';
import { assertPasswordAcceptable, MIN_PASSWORD_LENGTH } from '../../client/core/password-policy.ts';

async function verdict(password: string, accountId = 'patiente@example.org'): Promise<string> {
  try {
    await assertPasswordAcceptable(password, accountId);
    return 'accepted';
  } catch (error) {
    return (error as { reason?: string }).reason ?? 'unexpected';
  }
}

describe('password policy', () => {
  it(`refuses fewer than ${String(MIN_PASSWORD_LENGTH)} characters, counted as characters (not UTF-16 units)`, async () => {
    expect(await verdict('Zq8!vR2#kL0')).toBe('too-short');
    expect(await verdict('🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂')).toBe('too-short');
  });

  it('ATK-27 refuses common passwords, keyboard walks, French words with digits, and the account id with a year', async () => {
    for (const weak of ['motdepasse123', 'azertyuiop123', 'soleil123456', 'unmotdepasse', 'patiente@example.org2024', 'patiente2024!']) {
      expect(await verdict(weak), weak).toBe('too-guessable');
    }
  }, 30_000);

  it('accepts a passphrase of a few words and a long random password', async () => {
    for (const strong of ['une phrase de passe assez longue', 'cheval correct agrafe batterie', 'q7#Lm2!vZr9@wX4p']) {
      expect(await verdict(strong), strong).toBe('accepted');
    }
  });
});
