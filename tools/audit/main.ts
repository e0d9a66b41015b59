// vault-audit: `node --import tsx tools/audit/main.ts --data DIR [--canary TEXT]... [--logs FILE]... [--json]`.
// Exit status: 0 when no ERROR finding, 1 when there is one, 2 for a usage error or a crash of the tool.
import { pathToFileURL } from 'node:url';
import { USAGE, parseArgs } from './args.ts';
import { runAudit } from './audit.ts';
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
  const report = await runAudit({ dataDir: options.dataDir, canaries: options.canaries, logs: options.logs, ...(options.now === undefined ? {} : { now: options.now }) });
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
