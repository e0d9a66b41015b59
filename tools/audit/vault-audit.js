#!/usr/bin/env node
// The `vault-audit` executable (package.json "bin"): registers tsx's loader, then runs the audit.
// Equivalent to: node --import tsx tools/audit/main.ts (--data DIR | --database-url URL --blobs DIR) [--canary TEXT]... [--logs FILE]... [--json]
import { register } from 'tsx/esm/api';

register();
const { cli } = await import('./main.ts');
try {
  process.exitCode = await cli(process.argv.slice(2));
} catch (error) {
  console.error(`vault-audit failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
