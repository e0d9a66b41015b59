// The web app's one mapping from failure codes to sentences (client/lib/error-message.ts): every code the
// client core can raise reads as a sentence in both languages, never as the raw code, and the four the
// patient must tell apart (wrong password, weak server parameters, network, integrity) each have their own.
import { describe, expect, it } from 'vitest';
import { CRYPTO_ERROR_MESSAGES } from '../../crypto/errors.ts';
import { API_ERROR_STATUS } from '../../shared/errors.ts';
import { errorMessage, isSessionLost } from '../../client/lib/error-message.ts';
import { VaultError } from '../../client/lib/vault-client.ts';
import { en } from '../../client/locales/en.ts';
import { fr } from '../../client/locales/fr.ts';

const api = (code: string) => new VaultError({ source: 'api', code });
const crypto = (code: string) => new VaultError({ source: 'crypto', code });

describe('web app error messages', () => {
  it('maps every API and crypto code to a sentence in French and English', () => {
    const codes = [...Object.keys(API_ERROR_STATUS), ...Object.keys(CRYPTO_ERROR_MESSAGES), 'NETWORK', 'BAD_RESPONSE', 'INVALID_INPUT', 'UNKNOWN'];
    for (const messages of [fr, en]) {
      const sentences = new Set(Object.values(messages));
      for (const code of codes) {
        const text = errorMessage(api(code), messages);
        expect(sentences.has(text)).toBe(true);
        expect(text).not.toContain(code);
      }
    }
  });

  it('tells apart a wrong password, weak server parameters, the network and an integrity failure', () => {
    expect(errorMessage(api('UNAUTHENTICATED'), fr, 'login')).toBe(fr.errorWrongCredentials);
    expect(errorMessage(api('UNAUTHENTICATED'), fr)).toBe(fr.errorSessionExpired);
    expect(errorMessage(crypto('KDF_PARAMS_TOO_WEAK'), fr, 'login')).toBe(fr.errorWeakServerParams);
    expect(errorMessage(api('NETWORK'), fr)).toBe(fr.errorNetwork);
    for (const code of ['DECRYPTION_FAILED', 'MANIFEST_MISMATCH', 'ROLLBACK', 'RECORD_MISSING', 'STREAM_TRUNCATED', 'SIGNATURE_INVALID']) {
      expect(errorMessage(crypto(code), fr)).toBe(fr.errorIntegrity);
    }
    expect(new Set([fr.errorWrongCredentials, fr.errorWeakServerParams, fr.errorNetwork, fr.errorIntegrity]).size).toBe(4);
  });

  it('reads anything that is not a VaultError as the generic message, and only UNAUTHENTICATED as a lost session', () => {
    expect(errorMessage(new Error('boom'), fr)).toBe(fr.errorGeneric);
    expect(isSessionLost(api('UNAUTHENTICATED'))).toBe(true);
    expect(isSessionLost(api('NOT_FOUND'))).toBe(false);
  });

  it('has the same keys in both languages, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    expect([...Object.values(fr), ...Object.values(en)].filter((text) => text.trim() === '')).toEqual([]);
  });
});
