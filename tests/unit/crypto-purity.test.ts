// crypto/ must run unchanged in Node, the browser and a Worker: it imports only its own files and the
// audited libraries below, and touches no I/O, global state of the host, or logging.
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';

const CRYPTO_DIR = join(REPO_ROOT, 'crypto');
const ALLOWED_PACKAGES = ['@noble/ciphers', '@noble/curves', '@noble/hashes', '@noble/post-quantum', '@scure/base', '@scure/bip39', 'libsodium-wrappers-sumo'];
const FORBIDDEN_GLOBALS = /\b(console|process|require|fetch|XMLHttpRequest|localStorage|sessionStorage|indexedDB|document|window|Buffer|__dirname)\b\s*[.([]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importSpecifiers(source: string): string[] {
  const pattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  return [...source.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

function isAllowed(specifier: string, file: string): boolean {
  if (specifier.startsWith('.')) {
    const target = join(file, '..', specifier);
    return !relative(CRYPTO_DIR, target).startsWith('..');
  }
  return ALLOWED_PACKAGES.some((name) => specifier === name || specifier.startsWith(`${name}/`));
}

describe('crypto/ purity', () => {
  const files = sourceFiles(CRYPTO_DIR);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(3);
  });

  it.each(files.map((file) => [relative(REPO_ROOT, file), file]))('%s imports only crypto/ and allowed libraries', (_name, file) => {
    const specifiers = importSpecifiers(readFileSync(file, 'utf8'));
    const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
    const bad = specifiers.filter((specifier) => builtins.has(specifier) || specifier.startsWith('node:') || !isAllowed(specifier, file));
    expect(bad).toEqual([]);
  });

  it.each(files.map((file) => [relative(REPO_ROOT, file), file]))('%s uses no host I/O or logging', (_name, file) => {
    const code = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    expect(code.match(FORBIDDEN_GLOBALS)?.[0] ?? null).toBeNull();
  });

  it('detects a forbidden import (the checker itself works)', () => {
    const fake = join(CRYPTO_DIR, 'fake.ts');
    expect(isAllowed('node:fs', fake) && !builtinModules.includes('fs')).toBe(false);
    expect(isAllowed('../server/app.ts', fake)).toBe(false);
    expect(isAllowed('./errors.ts', fake)).toBe(true);
    expect(importSpecifiers("import { a } from 'node:fs';\nexport * from '../shared/x.ts';")).toEqual(['node:fs', '../shared/x.ts']);
    expect('console.log(1)'.match(FORBIDDEN_GLOBALS)).not.toBeNull();
  });
});
