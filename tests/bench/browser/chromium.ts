// Launches Debian's Chromium headless through playwright-core on the built bench page and returns a typed
// caller for window.benchCall. Everything it starts is closed by `close`.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildBenchPage } from './build.ts';
import type { OpArg, OpName, OpResult } from './protocol.ts';
import { startStaticServer, type StaticServer } from './static-server.ts';

export const CHROMIUM_BIN = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BenchPage {
  version: string;
  call: <K extends OpName>(op: K, arg: OpArg<K>) => Promise<OpResult<K>>;
  close: () => Promise<void>;
}

export async function openBenchPage(): Promise<BenchPage | undefined> {
  if (!existsSync(CHROMIUM_BIN)) return undefined;
  const outDir = await buildBenchPage();
  const profile = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  let server: StaticServer | undefined;
  let context: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    await context?.close();
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  };
  try {
    server = await startStaticServer(outDir);
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_BIN, headless: true, args: ARGS });
    const page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (error) => { console.error('[bench page]', error.message); });
    await page.goto(server.url);
    await page.waitForFunction(() => window.benchReady, undefined, { timeout: 30_000 });
    const version = context.browser()?.version() ?? await page.evaluate(() => navigator.userAgent);
    const call = <K extends OpName>(op: K, arg: OpArg<K>): Promise<OpResult<K>> =>
      page.evaluate(([name, value]) => window.benchCall(name, value), [op, arg] as const) as Promise<OpResult<K>>;
    return { version, call, close };
  } catch (error) {
    await close();
    throw error;
  }
}
