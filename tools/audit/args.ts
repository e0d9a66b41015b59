// Command line: --data DIR (required), --canary TEXT and --logs FILE (repeatable), --now MS, --json, --help.
// Both "--flag value" and "--flag=value" are accepted. --now (milliseconds since the epoch) audits as of
// the storage's own clock: a snapshot audited later, or a server whose clock was moved on purpose, would
// otherwise show reads "in the future" or not yet expired uploads as they were when written.

export interface CliOptions {
  dataDir: string;
  canaries: string[];
  logs: string[];
  json: boolean;
  /** The audit's "now"; the auditor's clock when absent. */
  now?: number;
}

export const USAGE = 'usage: vault-audit --data DIR [--canary TEXT]... [--logs FILE]... [--now MS] [--json]';

/** The parsed options, or an error message (the caller prints USAGE and exits with status 2). */
export function parseArgs(argv: readonly string[]): CliOptions | { error: string } {
  const options: CliOptions = { dataDir: '', canaries: [], logs: [], json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag = '', inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--json' && inline === undefined) { options.json = true; continue; }
    if (flag === '--help' || flag === '-h') return { error: '' };
    if (!['--data', '--canary', '--logs', '--now'].includes(flag)) return { error: `unknown argument: ${flag}` };
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') return { error: `${flag} needs a value` };
    if (flag === '--now') {
      if (!/^[0-9]{1,15}$/.test(value)) return { error: '--now needs milliseconds since the epoch' };
      options.now = Number(value);
    } else if (flag === '--data') options.dataDir = value;
    else if (flag === '--canary') options.canaries.push(value);
    else options.logs.push(value);
  }
  return options.dataDir === '' ? { error: '--data DIR is required' } : options;
}
