// A PostgreSQL URL as the audit may show it: the password (in the user part or as a query parameter) is
// replaced by ***, in the report and in any error message, which could otherwise quote it back.

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
