// Vitest global set-up of the "postgres" project: one database migrated by the server's own openPgStorage,
// which every in-process test server copies (CREATE DATABASE … TEMPLATE, far faster than migrating each),
// dropped when the run ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPgStorage } from '../../server/storage/pg-database.ts';
import { createTestDatabase } from './test-database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated template database's name. */
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'pg-template-'));
  try {
    const storage = await openPgStorage(template.url, dataDir);
    await storage.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  project.provide('pgTemplate', new URL(template.url).pathname.slice(1));
  return () => template.drop();
}
