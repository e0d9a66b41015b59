// `vault <command>`: the command-line client of Coffre santé, on the same client core as the web app.
// Run: node --import tsx client/cli/main.ts <command> (see usage below). Exit codes: errors.ts EXIT.
import { parseArgs } from 'node:util';
import { ConfigStore, configDir } from './config.ts';
import { loginCommand, logoutCommand, signupCommand } from './commands-account.ts';
import { deleteCommand, downloadCommand, historyCommand, listCommand, uploadCommand, versionsCommand } from './commands-documents.ts';
import { exportCommand } from './commands-export.ts';
import { CliError, EXIT, describeError, formatError } from './errors.ts';
import type { CliContext } from './session.ts';

const DEFAULT_SERVER = 'http://127.0.0.1:3000';

const USAGE = `Usage : vault [--server URL] <commande> [options]

  signup IDENTIFIANT                créer un compte (affiche les mots de récupération une seule fois)
  login IDENTIFIANT                 ouvrir une session
  logout                            fermer la session
  upload FICHIER [--title T] [--category CODE] [--date AAAA-MM-JJ] [--author NOM] [--document ID]
                                    chiffrer et envoyer un document (--document : nouvelle version)
  list                              lister les documents (métadonnées vérifiées et déchiffrées)
  download ID [--out FICHIER] [--version N]
  versions ID                       versions d’un document
  delete ID                         supprimer un document et toutes ses versions
  export --recipient age1… --out DOSSIER
                                    tous les documents en fichiers .age et un Bundle FHIR R4
  history                           journal des accès au coffre

Serveur par défaut : ${DEFAULT_SERVER}. Mot de passe : saisi sans écho, ou variable VAULT_PASSWORD.
Session : $XDG_CONFIG_HOME/coffre-sante/session.json (ou ~/.config/coffre-sante/), sans aucune clé.
Codes de sortie : 0 succès, 1 échec inattendu, 2 usage, 3 authentification, 4 introuvable,
5 contrôle d’intégrité échoué, 6 serveur injoignable, 7 refusé par le serveur.`;

const OPTIONS = {
  server: { type: 'string' },
  title: { type: 'string' },
  category: { type: 'string' },
  date: { type: 'string' },
  author: { type: 'string' },
  document: { type: 'string' },
  out: { type: 'string' },
  version: { type: 'string' },
  recipient: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseCommandLine>['values'];

function parseCommandLine(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch {
    throw new CliError('USAGE', EXIT.USAGE);
  }
}

/** One positional argument exactly. */
function one(positionals: string[]): string {
  const [value, ...rest] = positionals;
  if (value === undefined || rest.length > 0) throw new CliError('USAGE', EXIT.USAGE);
  return value;
}

function none(positionals: string[]): void {
  if (positionals.length > 0) throw new CliError('USAGE', EXIT.USAGE);
}

function versionOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d{0,8}$/.test(text)) throw new CliError('USAGE', EXIT.USAGE);
  return Number(text);
}

async function dispatch(context: CliContext, command: string, args: string[], values: Values): Promise<void> {
  switch (command) {
    case 'signup': return signupCommand(context, one(args));
    case 'login': return loginCommand(context, one(args));
    case 'logout': none(args); return logoutCommand(context);
    case 'upload': return uploadCommand(context, one(args), values);
    case 'list': none(args); return listCommand(context);
    case 'download': return downloadCommand(context, one(args), { out: values.out, version: versionOption(values.version) });
    case 'versions': return versionsCommand(context, one(args));
    case 'delete': return deleteCommand(context, one(args));
    case 'history': none(args); return historyCommand(context);
    case 'export': {
      none(args);
      if (values.recipient === undefined || values.out === undefined) throw new CliError('USAGE', EXIT.USAGE);
      return exportCommand(context, values.recipient, values.out);
    }
    default: throw new CliError('USAGE', EXIT.USAGE);
  }
}

/** Runs one command line; returns the exit code. Errors go to stderr as a French line with the code. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv);
    const [command, ...args] = positionals;
    if (values.help === true || command === undefined || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return command === undefined && values.help !== true ? EXIT.USAGE : EXIT.OK;
    }
    const context: CliContext = {
      server: (values.server ?? env.VAULT_SERVER ?? DEFAULT_SERVER).replace(/\/+$/, ''),
      store: new ConfigStore(configDir(env)),
      env,
      out: (line) => { process.stdout.write(`${line}\n`); },
    };
    await dispatch(context, command, args, values);
    return EXIT.OK;
  } catch (error) {
    const report = describeError(error);
    process.stderr.write(`${formatError(report)}\n`);
    if (env.VAULT_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.name}\n`);
    return report.exit;
  }
}

runCli(process.argv.slice(2)).then((code) => { process.exitCode = code; }, () => { process.exitCode = EXIT.FAILURE; });
