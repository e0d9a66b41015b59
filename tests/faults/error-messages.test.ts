// A full or failing server disk reads as what it is, in the web app and in the CLI: the server's storage,
// not the patient's file or connection, and nothing was saved half.
import { describe, expect, it } from 'vitest';
import { describeError, EXIT } from '../../client/cli/errors.ts';
import { ApiClientError } from '../../client/core/api.ts';
import { errorMessage } from '../../client/lib/error-message.ts';
import { VaultError } from '../../client/lib/vault-client.ts';
import { en } from '../../client/locales/en.ts';
import { fr } from '../../client/locales/fr.ts';

describe('storage fault messages', () => {
  it('the web app gives each code its own sentence, in French and English', () => {
    const full = new VaultError({ source: 'api', code: 'INSUFFICIENT_STORAGE' });
    const unavailable = new VaultError({ source: 'api', code: 'STORAGE_UNAVAILABLE' });
    expect(errorMessage(full, fr)).toBe(fr.errorServerFull);
    expect(errorMessage(unavailable, fr)).toBe(fr.errorServerStorage);
    expect(errorMessage(full, en)).toBe(en.errorServerFull);
    expect(errorMessage(unavailable, en)).toBe(en.errorServerStorage);
    expect(new Set([fr.errorServerFull, fr.errorServerStorage, fr.errorGeneric, fr.errorTooLarge, fr.errorNetwork]).size).toBe(5);
  });

  it('the CLI says it in French, keeps the code for scripts, and exits as a refusal', () => {
    const full = describeError(new ApiClientError('INSUFFICIENT_STORAGE', 507));
    const unavailable = describeError(new ApiClientError('STORAGE_UNAVAILABLE', 503));
    expect(full).toEqual({ message: expect.stringContaining('plus assez de place') as unknown, code: 'INSUFFICIENT_STORAGE', exit: EXIT.REFUSED });
    expect(unavailable).toEqual({ message: expect.stringContaining('ne peut pas enregistrer') as unknown, code: 'STORAGE_UNAVAILABLE', exit: EXIT.REFUSED });
  });
});
