#!/usr/bin/env node
// The `vault` executable (package.json "bin"): registers tsx's loader, then runs the TypeScript entry point.
// Equivalent to: node --import tsx client/cli/main.ts <command>
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
