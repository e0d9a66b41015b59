// vault-audit: `node --import tsx tools/audit/main.ts (--data DIR | --database-url URL --blobs DIR)
// [--canary TEXT]... [--logs FILE]... [--now MS] [--json]`.
// Exit status: 0 when no ERROR finding, 1 when there is one, 2 for a usage error or a crash of the tool.
import { pathToFileURL } from 'node:url';
import { USAGE, parseArgs } from './args.ts';
import { runAudit, type AuditReport } from './audit.ts';
import { redactSecrets } from '../../shared/database-url.ts';
import { formatHuman, formatJson } from './report.ts';

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const CONSOLE: CliOutput = { out: (text) => { console.log(text); }, err: (text) => { console.error(text); } };

/** Runs the audit for `argv` (without node and script) and returns the exit status. */
export async function cli(argv: readonly string[], output: CliOutput = CONSOLE): Promise<number> {
  const options = parseArgs(argv);
  if ('error' in options) {
    if (options.error !== '') output.err(options.error);
    output.err(USAGE);
    return 2;
  }
  let report: AuditReport;
  try {
    report = await runAudit(options);
  } catch (error) {
    // A connection error may quote what it was given: never the password.
    const message = error instanceof Error ? error.message : String(error);
    output.err(`vault-audit failed: ${'databaseUrl' in options ? redactSecrets(message, options.databaseUrl) : message}`);
    return 2;
  }
  output.out(options.json ? formatJson(report) : formatHuman(report));
  return report.errors === 0 ? 0 : 1;
}

// Run only as the entry point, so tests can import cli().
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli(process.argv.slice(2)).then((status) => { process.exitCode = status; }, (error: unknown) => {
    console.error(`vault-audit failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  });
}
