// Reading the password: VAULT_PASSWORD for scripts, else a terminal prompt that echoes nothing. Never
// from an argument (it would sit in the shell history and in `ps`).
import { CliError, EXIT } from './errors.ts';

export async function readPassword(prompt: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env.VAULT_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) throw new CliError('NO_PASSWORD', EXIT.USAGE);
  return promptHidden(prompt);
}

/** For a new password: typed twice unless it comes from VAULT_PASSWORD. */
export async function readNewPassword(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const first = await readPassword('Nouveau mot de passe : ', env);
  if (env.VAULT_PASSWORD !== undefined && env.VAULT_PASSWORD !== '') return first;
  const second = await promptHidden('Confirmez le mot de passe : ');
  if (first !== second) throw new CliError('PASSWORD_MISMATCH', EXIT.USAGE);
  return first;
}

/** Raw-mode read of one line from the terminal, nothing echoed; Ctrl-C aborts. */
function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let typed = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (error === undefined) resolve(typed);
      else reject(error);
    };
    const onData = (text: string) => {
      for (const char of text) {
        if (char === '\r' || char === '\n') { done(); return; }
        if (char === '\u0003') { done(new CliError('NO_PASSWORD', EXIT.USAGE)); return; }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}
