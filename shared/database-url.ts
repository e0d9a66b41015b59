// PostgreSQL URLs without their secrets, for the audit tool and the backup command: the password (in the
// user part or as a query parameter) is masked by *** in reports and in any error message, which could
// otherwise quote it back, and taken out of a URL that goes on a command line (visible to every local user).

const MASK = '***';
/** Query parameters libpq and node-postgres read a secret from. */
const SECRET_PARAMETER = /pass/i;

/** True for a postgres:// or postgresql:// URL with a host. */
export function isDatabaseUrl(text: string): boolean {
  const url = parse(text);
  return url !== null && (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.host !== '';
}

export function maskDatabaseUrl(text: string): string {
  const url = parse(text);
  if (url === null) return '(a database URL that does not parse)';
  if (url.password !== '') url.password = MASK;
  for (const key of [...url.searchParams.keys()]) if (SECRET_PARAMETER.test(key)) url.searchParams.set(key, MASK);
  return url.href;
}

/** `message` with every secret of `databaseUrl` replaced by ***, raw or percent-decoded. */
export function redactSecrets(message: string, databaseUrl: string): string {
  const url = parse(databaseUrl);
  if (url === null) return message.replaceAll(databaseUrl, maskDatabaseUrl(databaseUrl));
  const secrets = [url.password, ...[...url.searchParams].filter(([key]) => SECRET_PARAMETER.test(key)).map(([, value]) => value)]
    .flatMap((secret) => [secret, safeDecode(secret)])
    .filter((secret) => secret !== '')
    .sort((a, b) => b.length - a.length);
  return secrets.reduce((text, secret) => text.replaceAll(secret, MASK), message);
}

/** The URL with its password (user part or query parameter) taken out, and that password, decoded. */
export function withoutPassword(databaseUrl: string): { url: string; password?: string } {
  const url = new URL(databaseUrl);
  let password: string | undefined = url.password === '' ? undefined : decodeURIComponent(url.password);
  url.password = '';
  const fromQuery = url.searchParams.get('password');
  if (fromQuery !== null) {
    password ??= fromQuery;
    url.searchParams.delete('password');
  }
  return password === undefined ? { url: url.href } : { url: url.href, password };
}

function parse(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
