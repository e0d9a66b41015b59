// The recovery key (ATK-24): 256 random bits shown once as 24 BIP39 words (French list by default, English
// available) and printed in the recovery kit. It never reaches the server. From it:
//   recoveryKek     = HKDF-SHA256(ikm = key, salt = empty, info = text("coffre-sante/v1/recovery/kek") | text accountId, 32)
//   recoveryAuthKey = HKDF-SHA256(ikm = key, salt = empty, info = text("coffre-sante/v1/recovery/auth") | text accountId, 32)
// The KEK wraps the same private bundle as the password KEK (purpose 'recovery', account-bundle.ts); the
// server stores only a hash of the auth key, so a password reset by recovery words can be authenticated
// without the server learning anything that opens the bundle.
//
// Parsing is forgiving about presentation and strict about content: case, accents (é = e), extra spaces,
// numbering and punctuation are ignored; an unknown word or a bad checksum is RECOVERY_PHRASE_INVALID.

import { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39';
import { wordlist as english } from '@scure/bip39/wordlists/english.js';
import { wordlist as french } from '@scure/bip39/wordlists/french.js';
import { ByteWriter } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { checkAccountId } from './identity.ts';
import { checkLength, hkdfSha256, randomBytes } from './primitives.ts';

export const RECOVERY_KEY_BYTES = 32;
export const RECOVERY_WORD_COUNT = 24;
export type RecoveryLanguage = 'fr' | 'en';

const WORDLISTS: Record<RecoveryLanguage, readonly string[]> = { fr: french, en: english };
const NORMALISED: Record<RecoveryLanguage, string[]> = {
  fr: french.map(normaliseWord),
  en: english.map(normaliseWord),
};

export function generateRecoveryKey(): Uint8Array {
  return randomBytes(RECOVERY_KEY_BYTES);
}

/** The 24 words of `key`, in the list's own spelling (with accents). */
export function recoveryKeyToWords(key: Uint8Array, language: RecoveryLanguage = 'fr'): string[] {
  checkLength(key, RECOVERY_KEY_BYTES, 'recovery key');
  return entropyToMnemonic(key, WORDLISTS[language] as string[]).split(' ');
}

/**
 * The recovery key typed back by the user. Without `language`, French then English is tried.
 * Throws RECOVERY_PHRASE_INVALID when the words are not 24 words of one list with a valid checksum.
 */
export function parseRecoveryWords(input: string, language?: RecoveryLanguage): Uint8Array {
  const words = input.normalize('NFKD').split(/[^\p{L}\p{M}]+/u).map(normaliseWord).filter((word) => word !== '');
  if (words.length !== RECOVERY_WORD_COUNT) throw new CryptoError('RECOVERY_PHRASE_INVALID');
  const languages: RecoveryLanguage[] = language === undefined ? ['fr', 'en'] : [language];
  for (const candidate of languages) {
    const entropy = tryDecode(words, NORMALISED[candidate]);
    if (entropy !== null) return entropy;
  }
  throw new CryptoError('RECOVERY_PHRASE_INVALID');
}

/** The two keys derived from a recovery key for one account. */
export function deriveRecoveryKeys(key: Uint8Array, accountId: string): { kek: Uint8Array; authKey: Uint8Array } {
  checkLength(key, RECOVERY_KEY_BYTES, 'recovery key');
  checkAccountId(accountId);
  const info = (label: string) => new ByteWriter().text(label).text(accountId).finish();
  return {
    kek: hkdfSha256(key, new Uint8Array(0), info('coffre-sante/v1/recovery/kek'), 32),
    authKey: hkdfSha256(key, new Uint8Array(0), info('coffre-sante/v1/recovery/auth'), 32),
  };
}

function tryDecode(words: string[], normalisedList: string[]): Uint8Array | null {
  if (!words.every((word) => normalisedList.includes(word))) return null;
  try {
    // Both the words and the list are accent-free lower case here, so scure's NFKD step changes nothing.
    const entropy = mnemonicToEntropy(words.join(' '), normalisedList);
    return entropy.length === RECOVERY_KEY_BYTES ? entropy : null;
  } catch {
    return null;
  }
}

/** Lower case, accents stripped (NFKD, then combining marks removed). */
function normaliseWord(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}
