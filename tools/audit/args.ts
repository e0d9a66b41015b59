// Command line: exactly one of --data DIR (SQLite) or --database-url URL with --blobs DIR (PostgreSQL and
// its blob folder); --canary TEXT and --logs FILE (repeatable), --now MS, --json, --help.
// Both "--flag value" and "--flag=value" are accepted. --now (milliseconds since the epoch) audits as of
// the storage's own clock: a snapshot audited later, or a server whose clock was moved on purpose, would
// otherwise show reads "in the future" or not yet expired uploads as they were when written.
// No message quotes the URL: it may hold a password.
import { isDatabaseUrl } from '../../shared/database-url.ts';

export type CliOptions = ({ dataDir: string } | { databaseUrl: string; blobsDir: string }) & {
  canaries: string[];
  logs: string[];
  json: boolean;
  /** The audit's "now"; the auditor's clock when absent. */
  now?: number;
};

export const USAGE = 'usage: vault-audit (--data DIR | --database-url URL --blobs DIR) [--canary TEXT]... [--logs FILE]... [--now MS] [--json]';

const WITH_VALUE = ['--data', '--database-url', '--blobs', '--canary', '--logs', '--now'];

/** The parsed options, or an error message (the caller prints USAGE and exits with status 2). */
export function parseArgs(argv: readonly string[]): CliOptions | { error: string } {
  const common: Omit<CliOptions, 'dataDir' | 'databaseUrl' | 'blobsDir'> = { canaries: [], logs: [], json: false };
  const single = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag = '', inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--json' && inline === undefined) { common.json = true; continue; }
    if (flag === '--help' || flag === '-h') return { error: '' };
    if (!WITH_VALUE.includes(flag)) return { error: `unknown argument: ${flag}` };
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') return { error: `${flag} needs a value` };
    if (flag === '--now') {
      if (!/^[0-9]{1,15}$/.test(value)) return { error: '--now needs milliseconds since the epoch' };
      common.now = Number(value);
    } else if (flag === '--canary') common.canaries.push(value);
    else if (flag === '--logs') common.logs.push(value);
    else single.set(flag, value);
  }
  const dataDir = single.get('--data');
  const databaseUrl = single.get('--database-url');
  const blobsDir = single.get('--blobs');
  if (dataDir !== undefined) {
    if (databaseUrl !== undefined || blobsDir !== undefined) return { error: '--data DIR cannot go with --database-url or --blobs' };
    return { dataDir, ...common };
  }
  if (databaseUrl === undefined) return { error: blobsDir === undefined ? '--data DIR or --database-url URL --blobs DIR is required' : '--blobs DIR goes with --database-url URL' };
  if (!isDatabaseUrl(databaseUrl)) return { error: '--database-url needs a postgres:// or postgresql:// URL' };
  if (blobsDir === undefined) return { error: '--database-url URL needs --blobs DIR, the blob folder' };
  return { databaseUrl, blobsDir, ...common };
}
