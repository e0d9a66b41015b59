// Every line the vault-server command prints, in French then English, and its exit codes. Stable: scripts
// may test the exit code. No message carries a path, a blob id or a secret.
import type { BackupErrorCode } from '../backup/errors.ts';

export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  /** The output folder (backup) or the target DATA_DIR (restore) is not empty. */
  notEmpty: 3,
  /** The backup is damaged, incomplete or of an unknown format: nothing was restored. */
  badBackup: 4,
  /** DATA_DIR cannot be backed up completely (no database, or a lost blob). */
  badSource: 5,
} as const;

export const USAGE = [
  'usage: vault-server backup --out DIR [--data DATA_DIR | --database-url URL --blobs DIR]',
  '       vault-server restore --from DIR (--data DATA_DIR | --database-url URL --blobs DIR) [--force]',
].join('\n');

const ERRORS: Record<BackupErrorCode, { exit: number; text: string }> = {
  OUTPUT_NOT_EMPTY: { exit: EXIT.notEmpty, text: 'Le dossier de sauvegarde existe et n’est pas vide. / The backup folder exists and is not empty.' },
  NO_DATABASE: { exit: EXIT.badSource, text: 'Aucune base de données dans le dossier de données. / No database in the data folder.' },
  SOURCE_INCOMPLETE: { exit: EXIT.badSource, text: 'Un document chiffré manque dans le dossier de données : sauvegarde annulée. / An encrypted document is missing from the data folder: backup cancelled.' },
  TARGET_NOT_EMPTY: { exit: EXIT.notEmpty, text: 'Le dossier cible n’est pas vide (--force pour le remplacer). / The target folder is not empty (--force to replace it).' },
  MANIFEST_INVALID: { exit: EXIT.badBackup, text: 'Sauvegarde illisible : manifeste absent ou invalide ; rien n’a été restauré. / Unreadable backup: manifest missing or invalid; nothing was restored.' },
  FORMAT_UNSUPPORTED: { exit: EXIT.badBackup, text: 'Format de sauvegarde non pris en charge ; rien n’a été restauré. / Unsupported backup format; nothing was restored.' },
  INTEGRITY: { exit: EXIT.badBackup, text: 'Sauvegarde altérée ou incomplète : un fichier manque ou ne correspond pas ; rien n’a été restauré. / Backup damaged or incomplete: a file is missing or does not match; nothing was restored.' },
  DATABASE_INVALID: { exit: EXIT.badBackup, text: 'Base de données de la sauvegarde endommagée ; rien n’a été restauré. / Backup database damaged; nothing was restored.' },
  ENGINE_MISMATCH: { exit: EXIT.usage, text: 'Cette sauvegarde vient d’un autre type de base (SQLite avec --data, PostgreSQL avec --database-url) ; rien n’a été restauré. / This backup is from another kind of database (SQLite with --data, PostgreSQL with --database-url); nothing was restored.' },
  DATABASE_UNAVAILABLE: { exit: EXIT.unexpected, text: 'La base PostgreSQL est injoignable ou a refusé l’opération (adresse, serveur, version de pg_dump/pg_restore) ; rien n’a été modifié. / The PostgreSQL database cannot be reached or refused the operation (URL, server, pg_dump/pg_restore version); nothing was changed.' },
};

export function errorMessage(code: BackupErrorCode): { exit: number; text: string } {
  return ERRORS[code];
}

export const TEXT = {
  unexpected: 'Erreur inattendue ; rien n’a été modifié. / Unexpected error; nothing was changed.',
  backupDone: (files: number, size: string, attempts: number) =>
    `Sauvegarde terminée : ${files} fichier(s) chiffré(s), ${size}${attempts > 1 ? `, ${attempts} essais` : ''}. / Backup complete: ${files} encrypted file(s), ${size}${attempts > 1 ? `, ${attempts} attempts` : ''}.`,
  protectBackup: 'Attention : la sauvegarde contient le secret du serveur ; protégez-la comme le serveur. / Warning: the backup holds the server secret; protect it like the server.',
  secretNotIncluded: 'Secret du serveur fourni par SERVER_SECRET : non sauvegardé, conservez-le à part. / Server secret comes from SERVER_SECRET: not backed up, keep it separately.',
  restoreDone: (files: number, size: string) =>
    `Restauration terminée : ${files} fichier(s) chiffré(s), ${size}. Démarrez le serveur sur ce dossier. / Restore complete: ${files} encrypted file(s), ${size}. Start the server on this folder.`,
  restoreDonePg: (files: number, size: string) =>
    `Restauration terminée : ${files} fichier(s) chiffré(s), ${size}. Démarrez le serveur sur cette base et ce dossier, avec le même SERVER_SECRET. / Restore complete: ${files} encrypted file(s), ${size}. Start the server on this database and folder, with the same SERVER_SECRET.`,
  copying: 'Copie / Copying',
} as const;
