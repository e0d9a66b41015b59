// signup, login, logout.
import { logIn, logOut, signUp } from '../core/account.ts';
import { isApiClientError } from '../core/api.ts';
import { readNewPassword, readPassword } from './prompt.ts';
import { apiFor, type CliContext } from './session.ts';

/** Creates the account and prints the recovery words once (stdout). Does not log in. */
export async function signupCommand(context: CliContext, accountId: string): Promise<void> {
  const password = await readNewPassword(context.env);
  const { recoveryWords } = await signUp(apiFor(context), accountId, password);
  context.out('Demande de création envoyée. Si l’identifiant était libre, le compte existe maintenant.');
  context.out('Mots de récupération (à noter sur papier, ils ne seront plus jamais affichés) :');
  context.out(recoveryWords.map((word, index) => `${String(index + 1).padStart(2)}. ${word}`).join('\n'));
  context.out('Connectez-vous ensuite avec « vault login IDENTIFIANT ».');
}

export async function loginCommand(context: CliContext, accountId: string): Promise<void> {
  const password = await readPassword('Mot de passe : ', context.env);
  const previous = context.store.get(context.server);
  const api = apiFor(context, previous.token);
  const account = await logIn(api, accountId, password);
  context.store.set(context.server, { heads: previous.heads, accountId, token: api.token, vaultId: account.vaultId });
  context.out('Connecté.');
}

/** Revokes the token on the server and forgets it; the vault heads stay (rollback detection). */
export async function logoutCommand(context: CliContext): Promise<void> {
  const entry = context.store.get(context.server);
  if (entry.token !== undefined) {
    try {
      await logOut(apiFor(context, entry.token));
    } catch (error) {
      if (!isApiClientError(error, 'UNAUTHENTICATED')) throw error;
    }
  }
  context.store.set(context.server, { heads: entry.heads });
  context.out('Déconnecté.');
}
