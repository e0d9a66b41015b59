// How the command-line client reports failures: one French sentence per stable code, the code itself in
// brackets (for scripts and support), and a documented exit code. Messages never hold keys, tokens,
// titles, file names or account ids.
import { isWeakPasswordError, MIN_PASSWORD_LENGTH } from '../core/password-policy.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import { isApiClientError } from '../core/api.ts';

/**
 * Exit codes:
 * 0 success · 1 unexpected failure · 2 bad usage (command, option, argument, file) · 3 not logged in, wrong
 * credentials or expired session · 4 document not found · 5 integrity or security check failed (data the
 * server returned was altered, replayed or forged: nothing was written) · 6 server unreachable or answering
 * off-contract · 7 refused by the server (conflict, too many attempts, too large, bad request, server storage
 * full or unavailable).
 */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, AUTH: 3, NOT_FOUND: 4, INTEGRITY: 5, NETWORK: 6, REFUSED: 7 } as const;

/** A failure found by the CLI itself (usage, local files, missing session). */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: string;
  readonly exit: number;

  constructor(code: keyof typeof CLI_MESSAGES, exit: number) {
    super(CLI_MESSAGES[code]);
    this.code = code;
    this.exit = exit;
  }
}

const CLI_MESSAGES = {
  USAGE: 'commande ou option invalide (voir « vault --help »)',
  NOT_LOGGED_IN: 'aucune session : connectez-vous d’abord avec « vault login IDENTIFIANT »',
  NO_PASSWORD: 'mot de passe requis : lancez la commande dans un terminal ou définissez VAULT_PASSWORD',
  PASSWORD_MISMATCH: 'les deux mots de passe saisis diffèrent',
  FILE_UNREADABLE: 'le fichier à envoyer est illisible ou n’est pas un fichier ordinaire',
  OUTPUT_EXISTS: 'le fichier de sortie existe déjà : choisissez-en un autre avec --out',
  BAD_METADATA: 'métadonnée invalide (titre, catégorie, date AAAA-MM-JJ, auteur ou nom de fichier)',
} as const;

const API_MESSAGES: Record<string, [string, number]> = {
  UNAUTHENTICATED: ['identifiant ou mot de passe incorrect, ou session expirée', EXIT.AUTH],
  NOT_FOUND: ['document introuvable', EXIT.NOT_FOUND],
  CONFLICT: ['conflit : le coffre a changé entre-temps, réessayez', EXIT.REFUSED],
  UPLOAD_INCOMPLETE: ['envoi incomplet, réessayez', EXIT.REFUSED],
  TOO_MANY_REQUESTS: ['trop de tentatives : réessayez plus tard', EXIT.REFUSED],
  PAYLOAD_TOO_LARGE: ['fichier trop volumineux pour ce serveur', EXIT.REFUSED],
  KDF_PARAMS_REJECTED: ['paramètres de mot de passe refusés par le serveur', EXIT.REFUSED],
  NETWORK: ['serveur injoignable (vérifiez --server)', EXIT.NETWORK],
  BAD_RESPONSE: ['réponse du serveur non conforme', EXIT.NETWORK],
  INTERNAL: ['erreur interne du serveur', EXIT.NETWORK],
  INSUFFICIENT_STORAGE: ['le serveur n’a plus assez de place pour enregistrer ce fichier ; rien n’a été enregistré à moitié, réessayez plus tard', EXIT.REFUSED],
  STORAGE_UNAVAILABLE: ['le serveur ne peut pas enregistrer de fichiers pour le moment ; rien n’a été enregistré à moitié, réessayez plus tard', EXIT.REFUSED],
};

const CRYPTO_MESSAGES: Record<string, [string, number]> = {
  KEY_BUNDLE_INVALID: ['identifiant ou mot de passe incorrect', EXIT.AUTH],
  KDF_PARAMS_TOO_WEAK: ['le serveur propose des paramètres de mot de passe trop faibles : rien n’a été envoyé', EXIT.INTEGRITY],
  KDF_PARAMS_TOO_COSTLY: ['le serveur propose des paramètres de mot de passe trop coûteux : rien n’a été envoyé', EXIT.INTEGRITY],
  KEY_INVALID: ['destinataire age invalide (attendu : age1…)', EXIT.USAGE],
  ROLLBACK: ['le serveur présente une version plus ancienne du coffre que celle déjà vue', EXIT.INTEGRITY],
  CHAIN_BROKEN: ['l’historique signé du coffre ne s’enchaîne pas avec celui déjà vu', EXIT.INTEGRITY],
  RECORD_MISSING: ['un document signé manque dans la liste du serveur', EXIT.INTEGRITY],
  RECORD_UNEXPECTED: ['le serveur liste un document absent du manifeste signé', EXIT.INTEGRITY],
};

export interface ErrorReport {
  message: string;
  code: string;
  exit: number;
}

/** The French message, stable code and exit code for any thrown value. */
export function describeError(error: unknown): ErrorReport {
  if (error instanceof CliError) return { message: error.message, code: error.code, exit: error.exit };
  if (isApiClientError(error)) {
    const [message, exit] = API_MESSAGES[error.code] ?? ['requête refusée par le serveur', EXIT.REFUSED];
    return { message, code: error.code, exit };
  }
  if (isCryptoError(error)) {
    const [message, exit] = CRYPTO_MESSAGES[error.code] ?? ['contrôle d’intégrité échoué : données altérées ou falsifiées, rien n’a été conservé', EXIT.INTEGRITY];
    return { message, code: error.code, exit };
  }
  if (isWeakPasswordError(error)) {
    const message = error.reason === 'too-short'
      ? `mot de passe trop court : au moins ${String(MIN_PASSWORD_LENGTH)} caractères`
      : 'mot de passe trop courant ou trop facile à deviner : choisissez une phrase de plusieurs mots';
    return { message, code: error.code, exit: EXIT.USAGE };
  }
  if (error instanceof RangeError || error instanceof TypeError) {
    return { message: CLI_MESSAGES.BAD_METADATA, code: 'BAD_INPUT', exit: EXIT.USAGE };
  }
  return { message: 'échec inattendu', code: 'UNEXPECTED', exit: EXIT.FAILURE };
}

/** One line for stderr: "vault : <message> [CODE]". */
export function formatError(report: ErrorReport): string {
  return `vault : ${report.message} [${report.code}]`;
}
