#!/usr/bin/env node
// The `vault-server` executable (package.json "bin"): registers tsx's loader, then runs the command.
// Equivalent to: node --import tsx server/cli/vault-server.ts backup|restore ...
import { register } from 'tsx/esm/api';

register();
const { cli } = await import('./vault-server.ts');
process.exitCode = await cli(process.argv.slice(2));
