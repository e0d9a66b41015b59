// The password a user chooses, checked before anything is derived or sent (ATK-27): the stored verifier
// lets whoever holds the database guess offline, so Argon2id's cost only helps against a password that is
// not among the first guesses. At least 12 characters, and zxcvbn (common passwords, French and English
// words, names, keyboard patterns, dates, the account id itself) must estimate it at score 3 or more, about
// 10^8 guesses, each an Argon2id at 64 MiB. The dictionaries load on first use only.
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

export const MIN_PASSWORD_LENGTH = 12;
/** zxcvbn's scale: 3 is "safely unguessable", about 10^8 to 10^10 guesses. */
export const MIN_PASSWORD_SCORE = 3;

export type WeakPasswordReason = 'too-short' | 'too-guessable';

export class WeakPasswordError extends Error {
  override readonly name = 'WeakPasswordError';
  readonly code = 'PASSWORD_TOO_WEAK';

  constructor(readonly reason: WeakPasswordReason) {
    super(`password refused: ${reason}`);
  }
}

export function isWeakPasswordError(error: unknown): error is WeakPasswordError {
  return error instanceof WeakPasswordError;
}

let estimator: Promise<ZxcvbnFactory> | undefined;

function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-fr')])
    .then(([core, common, fr]) => new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...fr.dictionary },
      graphs: common.adjacencyGraphs,
      translations: fr.translations,
    }));
  return estimator;
}

/** Throws WeakPasswordError unless `password` is long and hard enough to guess for this account. */
export async function assertPasswordAcceptable(password: string, accountId: string): Promise<void> {
  if (Array.from(password).length < MIN_PASSWORD_LENGTH) throw new WeakPasswordError('too-short');
  const zxcvbn = await loadEstimator();
  const personal = [accountId, ...accountId.split(/[@._+-]/)].filter((part) => part.length >= 3);
  if (zxcvbn.check(password, personal).score < MIN_PASSWORD_SCORE) throw new WeakPasswordError('too-guessable');
}
