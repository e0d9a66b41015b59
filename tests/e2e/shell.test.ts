// The web app's shell in real Chromium: French first, English on request, and the browser-side
// protections that hold from the first page (ATK-29, ATK-32).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type Browser } from './browser.ts';
import { startWebServer, type WebServer } from './web-server.ts';

let server: WebServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  server = await startWebServer();
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('favicon')) consoleErrors.push(message.text());
  });
  await page.goto(server.url);
}, 120_000);

afterAll(async () => {
  await browser.close();
  await server.close();
});

describe('web app shell in Chromium', () => {
  it('speaks French by default and switches to English', async () => {
    await expect.poll(() => page.locator('h1').textContent()).toBe('Coffre santé');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    expect(await page.locator('h1').textContent()).toBe('Health vault');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByRole('button', { name: 'Passer en français' }).click();
    expect(await page.locator('h1').textContent()).toBe('Coffre santé');
  });

  it('loads without a CSP violation or a script error', () => {
    expect(consoleErrors).toEqual([]);
  });

  it('ATK-29 the CSP blocks a script injected into the page, inline or from another origin', async () => {
    const errorsBefore = consoleErrors.length;
    const ran = await page.evaluate(async () => {
      const flags = window as unknown as Record<string, unknown>;
      const inline = document.createElement('script');
      inline.textContent = 'window.injectedInline = true;';
      document.body.append(inline);
      const foreign = document.createElement('script');
      foreign.src = 'data:text/javascript,window.injectedForeign=true';
      document.body.append(foreign);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { inline: flags['injectedInline'] === true, foreign: flags['injectedForeign'] === true };
    });
    expect(ran).toEqual({ inline: false, foreign: false });
    expect(consoleErrors.slice(errorsBefore).some((text) => text.includes('Content Security Policy'))).toBe(true);
  });

  it('ATK-32 keeps nothing in browser storage', async () => {
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
    expect(stored).toEqual({ local: 0, session: 0, cookie: '' });
  });
});
