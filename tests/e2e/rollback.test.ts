// ATK-16 across sessions, in real Chromium: the Worker keeps the vault head it accepted in IndexedDB, so a
// server that serves an older signed vault manifest after the patient logs out and back in (hiding the
// document added since) is caught. A browser that never saw the newer head cannot tell: that is the limit
// the out-of-band head (ATK-19) is for, and the control here proves the refusal comes from the stored head.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { launchChromium, type Browser } from './browser.ts';
import { startWebServer, type WebServer } from './web-server.ts';

const ACCOUNT = 'retour@example.org';
const PASSWORD = 'une phrase de passe pour les retours';
const INTEGRITY = 'Contrôle d’intégrité échoué';
const MANIFEST = /\/api\/vaults\/[^/]+\/manifest$/;
const LISTING = /\/api\/vaults\/[^/]+\/documents$/;

let server: WebServer;
let browser: Browser;
let page: Page;
/** The vault manifest and the document listing as the server answered them after the first document only. */
let olderManifest = '';
let olderListing = '';

beforeAll(async () => {
  server = await startWebServer({ api: true });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.goto(server.url);
}, 120_000);

afterAll(async () => {
  await browser.close();
  await server.close();
});

async function logIn(target: Page): Promise<void> {
  await target.goto(new URL('/connexion', server.url).href);
  await target.getByLabel('Identifiant').fill(ACCOUNT);
  await target.getByLabel('Mot de passe').fill(PASSWORD);
  await target.getByRole('button', { name: 'Se connecter' }).click();
  await target.getByRole('heading', { name: 'Mes documents' }).waitFor({ timeout: 40_000 });
}

async function addDocument(title: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Ajouter des documents' }).click();
  await page.getByLabel('Fichiers').setInputFiles([{ name: `${title}.txt`, mimeType: 'text/plain', buffer: Buffer.from(title) }]);
  await page.locator('.file-row').getByLabel('Titre').fill(title);
  await page.getByRole('button', { name: 'Chiffrer et envoyer' }).click();
  await page.getByText('Tous les documents ont été ajoutés.').waitFor({ timeout: 30_000 });
}

/** From now on the server answers as it did after the first document: a consistent, older vault. */
async function rollBack(target: Browser): Promise<void> {
  const replay = (body: () => string) => (route: Route) => route.fulfill({ status: 200, contentType: 'application/json', body: body() });
  await target.context.route(MANIFEST, replay(() => olderManifest));
  await target.context.route((url) => LISTING.test(url.pathname), replay(() => olderListing));
}

async function listed(target: Page): Promise<string[]> {
  await target.getByRole('navigation').getByRole('link', { name: 'Mes documents' }).click();
  await target.locator('.documents .document-title').first().waitFor({ timeout: 20_000 });
  return target.locator('.documents .document-title').allTextContents();
}

describe('a rolled-back vault across sessions', () => {
  it('signs up, adds a first document and records the manifest the server serves then', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Créer un compte' }).click();
    await page.getByLabel('Identifiant').fill(ACCOUNT);
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Mot de passe (encore)').fill(PASSWORD);
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.getByRole('button', { name: 'J’ai noté mes mots' }).click({ timeout: 40_000 });
    await logIn(page);
    await addDocument('Ordonnance de janvier');
    const answered = (pattern: RegExp) => page.waitForResponse((response) => pattern.test(new URL(response.url()).pathname) && response.request().method() === 'GET');
    const [manifest, listing] = [answered(MANIFEST), answered(LISTING)];
    expect(await listed(page)).toEqual(['Ordonnance de janvier']);
    olderManifest = await (await manifest).text();
    olderListing = await (await listing).text();
    expect(JSON.parse(olderManifest)).toMatchObject({ sequence: 1 });
  }, 120_000);

  it('ATK-16 after a second document, log-out and log-in, an older manifest served by the server is refused', async () => {
    await addDocument('Compte rendu de mars');
    expect((await listed(page)).sort()).toEqual(['Compte rendu de mars', 'Ordonnance de janvier']);
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Coffre santé' }).waitFor();
    await rollBack(browser);
    await logIn(page);
    await page.getByRole('alert').filter({ hasText: INTEGRITY }).waitFor({ timeout: 20_000 });
    expect(await page.locator('.documents .document-title').count()).toBe(0);
  }, 90_000);

  it('a browser that never saw the newer head is served the old vault without noticing (the limit ATK-19 covers)', async () => {
    const other = await launchChromium();
    try {
      const fresh = await other.context.newPage();
      await rollBack(other);
      await fresh.goto(server.url);
      await logIn(fresh);
      expect(await listed(fresh)).toEqual(['Ordonnance de janvier']);
      expect(await fresh.getByRole('alert').filter({ hasText: INTEGRITY }).count()).toBe(0);
    } finally {
      await other.close();
    }
  }, 90_000);
});
