// A patient in real Chromium, through the built web app and the real server on a throwaway DATA_DIR: sign
// up (the recovery words read from the page), log in, add a PDF and an image whose bytes, titles and file
// names hold canaries, see them, preview both in the page, download one and compare bytes, add a new version
// of it, delete one, log out and in again. The server runs as `npm start` runs it. Then neither its files
// nor what it printed may hold a canary (ATK-34), checked here byte by byte and again by the auditors' own
// tool (vault-audit) over DATA_DIR and the server's output, and browser storage must be empty (ATK-32).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { parseRecoveryWords } from '../../crypto/recovery-key.ts';
import { launchChromium, type Browser } from './browser.ts';
import { buildPdf, buildPng } from './fixtures.ts';
import { downloadFrom } from './flows.ts';
import { filesUnder } from './files-under.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import { REPO_ROOT } from '../paths.ts';

const ACCOUNT = 'patiente@example.org';
const PASSWORD = 'une phrase de passe assez longue';
const canary = (label: string) => `CANARY-${label}-${randomBytes(6).toString('hex')}`;
const CANARIES = {
  pdfBody: canary('pdfbody'), pdfTitle: canary('pdftitle'), pdfName: canary('pdfname'),
  pngBody: canary('pngbody'), pngTitle: canary('pngtitle'), pngName: canary('pngname'),
  pdf2Body: canary('pdf2body'), pdf2Name: canary('pdf2name'),
};
/** Two pages, each a blue rectangle; the canary in a comment. */
const PDF = { name: `${CANARIES.pdfName}.pdf`, mimeType: 'application/pdf', buffer: buildPdf({ pages: 2, comment: CANARIES.pdfBody }) };
/** A decodable 40 × 30 PNG, the canary in its tEXt chunk. */
const PNG = { name: `${CANARIES.pngName}.png`, mimeType: 'image/png', buffer: buildPng(40, 30, CANARIES.pngBody) };
/** The new version of PDF: one page only, so its preview differs. */
const PDF2 = { name: `${CANARIES.pdf2Name}.pdf`, mimeType: 'application/pdf', buffer: buildPdf({ pages: 1, comment: CANARIES.pdf2Body }) };

let server: ServerProcess;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** Every request body the browser sent (page and Worker), as "METHOD path" and bytes. */
const sent: { request: string; body: Buffer }[] = [];

beforeAll(async () => {
  server = await startServerProcess();
  browser = await launchChromium();
  page = await browser.context.newPage();
  browser.context.on('request', (request) => {
    sent.push({ request: `${request.method()} ${new URL(request.url()).pathname}`, body: request.postDataBuffer() ?? Buffer.alloc(0) });
  });
  page.on('pageerror', (error) => { pageErrors.push(error.message); });
  page.on('console', (message) => { if (message.type() === 'error' && !message.text().includes('favicon')) pageErrors.push(message.text()); });
  await page.goto(server.url);
}, 120_000);

afterAll(async () => {
  await browser.close();
  await server.close();
});

async function logIn(password = PASSWORD): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Se connecter' }).click();
  await page.getByLabel('Identifiant').fill(ACCOUNT);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

async function listedTitles(): Promise<string[]> {
  await page.locator('.documents .document-title').first().waitFor();
  return page.locator('.documents .document-title').allTextContents();
}

async function describeFile(index: number, title: string, category: string, date: string): Promise<void> {
  const row = page.locator('.file-row').nth(index);
  await row.getByLabel('Titre').fill(title);
  await row.getByLabel('Catégorie').selectOption(category);
  await row.getByLabel('Date des soins').fill(date);
}

function itemOf(titleCanary: string): Locator {
  return page.locator('.document').filter({ hasText: titleCanary });
}

/** Waits until the preview's canvas holds drawn pixels (the blue rectangle of the test PDFs). */
async function waitForDrawnCanvas(item: Locator): Promise<void> {
  await item.locator('.preview canvas').waitFor();
  await item.locator('.preview canvas').evaluate(async (canvas: HTMLCanvasElement) => {
    const drawn = () => {
      if (canvas.width === 0 || canvas.height === 0) return false;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && data[i + 2]! > 150 && data[i]! < 80) return true;
      return false;
    };
    for (let tries = 0; tries < 100 && !drawn(); tries += 1) await new Promise((done) => setTimeout(done, 100));
    if (!drawn()) throw new Error('the PDF page was not drawn');
  });
}

describe('a patient in Chromium', () => {
  it('signs up and is shown 24 recovery words once', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Créer un compte' }).click();
    await page.getByLabel('Identifiant').fill(ACCOUNT);
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Mot de passe (encore)').fill(PASSWORD);
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.getByText('Notez ces mots sur papier').waitFor({ timeout: 30_000 });
    const words = await page.getByTestId('recovery-words').locator('li').allTextContents();
    expect(words).toHaveLength(24);
    expect(parseRecoveryWords(words.join(' '), 'fr')).toHaveLength(32);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.getByText('Kit de secours — Coffre santé').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Imprimer le kit de secours' }).isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('button', { name: 'J’ai noté mes mots' }).click();
    await page.getByText('Compte créé. Connectez-vous pour ouvrir votre coffre.').waitFor();
    expect(await page.getByTestId('recovery-words').count()).toBe(0);
  }, 60_000);

  it('refuses a wrong password with a clear French message', async () => {
    await logIn('pas le bon mot de passe');
    await page.getByRole('alert').filter({ hasText: 'Identifiant ou mot de passe incorrect.' }).waitFor();
  }, 30_000);

  it('ATK-31 ATK-32 logs in with nothing in localStorage, sessionStorage or script-readable cookies; the session cookie is __Host-, HttpOnly, Secure, SameSite=Strict', async () => {
    await logIn();
    await page.getByRole('heading', { name: 'Mes documents' }).waitFor();
    await page.getByText('Aucun document pour l’instant.').waitFor();
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
    expect(stored).toEqual({ local: 0, session: 0, cookie: '' });
    const cookies = await browser.context.cookies();
    expect(cookies.map((cookie) => [cookie.name, cookie.httpOnly, cookie.secure, cookie.sameSite])).toEqual([['__Host-session', true, true, 'Strict']]);
  }, 30_000);

  it('adds a PDF and an image with a progress bar each, and lists them newest first', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Ajouter des documents' }).click();
    await page.getByLabel('Fichiers').setInputFiles([PDF, PNG]);
    expect(await page.locator('.file-row').getByLabel('Titre').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value)))
      .toEqual([CANARIES.pdfName, CANARIES.pngName]);
    await describeFile(0, `Bilan sanguin ${CANARIES.pdfTitle}`, '11502-2', '2026-01-10');
    await describeFile(1, `Échographie ${CANARIES.pngTitle}`, '18748-4', '2026-03-02');
    await page.getByRole('button', { name: 'Chiffrer et envoyer' }).click();
    await page.getByText('Tous les documents ont été ajoutés.').waitFor({ timeout: 30_000 });
    expect(await page.locator('progress').evaluateAll((bars) => bars.map((bar) => (bar as HTMLProgressElement).value))).toEqual([1, 1]);
    await page.getByRole('navigation').getByRole('link', { name: 'Mes documents' }).click();
    expect(await listedTitles()).toEqual([`Échographie ${CANARIES.pngTitle}`, `Bilan sanguin ${CANARIES.pdfTitle}`]);
    expect(await page.locator('.documents .tag').allTextContents()).toEqual(['Imagerie', 'Biologie']);
  }, 60_000);

  it('filters by category and searches decrypted titles without accents or case', async () => {
    await page.getByLabel('Catégorie').selectOption('11502-2');
    expect(await listedTitles()).toEqual([`Bilan sanguin ${CANARIES.pdfTitle}`]);
    await page.getByLabel('Catégorie').selectOption('');
    await page.getByLabel('Rechercher dans les titres').fill('echographie');
    expect(await listedTitles()).toEqual([`Échographie ${CANARIES.pngTitle}`]);
    await page.getByLabel('Rechercher dans les titres').fill('');
  }, 30_000);

  it('previews the PDF in the page, page by page on a canvas, and closes the preview with Escape', async () => {
    const item = itemOf(CANARIES.pdfTitle);
    await item.getByRole('button', { name: 'Ouvrir' }).click();
    const heading = item.getByRole('heading', { name: `Aperçu de « Bilan sanguin ${CANARIES.pdfTitle} »` });
    await heading.waitFor();
    expect(await heading.evaluate((element) => element === document.activeElement)).toBe(true);
    await waitForDrawnCanvas(item);
    expect(await item.locator('.pdf-page-count').textContent()).toBe('Page 1 sur 2');
    await item.getByRole('button', { name: 'Page suivante' }).click();
    await item.getByText('Page 2 sur 2').waitFor();
    await waitForDrawnCanvas(item);
    expect(await item.getByRole('button', { name: 'Page suivante' }).isDisabled()).toBe(true);
    await heading.focus();
    await page.keyboard.press('Escape');
    await item.locator('.preview').waitFor({ state: 'detached' });
    expect(await item.getByRole('button', { name: 'Ouvrir' }).evaluate((element) => element === document.activeElement)).toBe(true);
  }, 30_000);

  it('previews the image in an <img> at its natural size, and closes it with its button', async () => {
    await page.evaluate(() => {
      const revokedUrls: string[] = [];
      const revoke = URL.revokeObjectURL.bind(URL);
      URL.revokeObjectURL = (target: string) => { revokedUrls.push(target); revoke(target); };
      Object.assign(window, { revokedUrls });
    });
    const item = itemOf(CANARIES.pngTitle);
    await item.getByRole('button', { name: 'Ouvrir' }).click();
    const image = item.locator('.preview img');
    await image.waitFor();
    const decoded = await image.evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      return { width: img.naturalWidth, height: img.naturalHeight, alt: img.alt, blob: img.src.startsWith('blob:') };
    });
    expect(decoded).toEqual({ width: 40, height: 30, alt: `Échographie ${CANARIES.pngTitle}`, blob: true });
    const url = await image.getAttribute('src');
    await item.getByRole('button', { name: 'Fermer l’aperçu' }).click();
    await item.locator('.preview').waitFor({ state: 'detached' });
    // The object URL was revoked as the preview closed. (Probing the URL afterwards no longer tells: since
    // Chromium 156.0.8078.108 a revoked blob URL can still load while the detached <img> that used it is alive.)
    const revokedNow = () => page.evaluate((revoked) => (window as unknown as { revokedUrls: string[] }).revokedUrls.includes(revoked ?? ''), url);
    await expect.poll(revokedNow, { timeout: 5_000 }).toBe(true);
  }, 30_000);

  it('downloads the PDF with the same bytes and file name', async () => {
    const file = await downloadFrom(page, itemOf(CANARIES.pdfTitle));
    expect(file.name).toBe(PDF.name);
    expect(Buffer.compare(file.bytes, PDF.buffer)).toBe(0);
  }, 30_000);

  it('adds a new version of the PDF with a progress bar: same title, "Version 2", the new bytes and name', async () => {
    const item = itemOf(CANARIES.pdfTitle);
    expect(await item.locator('.document-version').count()).toBe(0);
    // The progress bar may come and go between two polls: record every value it showed.
    await page.evaluate(() => {
      const seen: number[] = [];
      Object.assign(window, { progressSeen: seen });
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll<HTMLProgressElement>('.documents progress')) seen.push(bar.value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), item.getByRole('button', { name: 'Nouvelle version' }).click()]);
    await chooser.setFiles(PDF2);
    await page.getByText('Nouvelle version enregistrée.').waitFor({ timeout: 30_000 });
    expect((await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen)).length).toBeGreaterThan(0);
    expect(await listedTitles()).toEqual([`Échographie ${CANARIES.pngTitle}`, `Bilan sanguin ${CANARIES.pdfTitle}`]);
    expect(await item.locator('.document-meta').textContent()).toContain('Version 2');
    expect(await item.locator('.tag').textContent()).toBe('Biologie');
    const file = await downloadFrom(page, item);
    expect(file.name).toBe(PDF2.name);
    expect(Buffer.compare(file.bytes, PDF2.buffer)).toBe(0);
    await item.getByRole('button', { name: 'Ouvrir' }).click();
    await waitForDrawnCanvas(item);
    expect(await item.locator('.pdf-page-count').textContent()).toBe('Page 1 sur 1');
    await item.getByRole('button', { name: 'Fermer l’aperçu' }).click();
    await item.locator('.preview').waitFor({ state: 'detached' });
  }, 60_000);

  it('logs out, logs in again and still sees both documents', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Coffre santé' }).waitFor();
    expect(await browser.context.cookies()).toEqual([]);
    await logIn();
    expect(await listedTitles()).toEqual([`Échographie ${CANARIES.pngTitle}`, `Bilan sanguin ${CANARIES.pdfTitle}`]);
  }, 30_000);

  it('fits a phone-width screen with nothing wider than the viewport, a PDF preview included', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    const item = itemOf(CANARIES.pdfTitle);
    await item.getByRole('button', { name: 'Ouvrir' }).click();
    await waitForDrawnCanvas(item);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await item.getByRole('button', { name: 'Fermer l’aperçu' }).click();
    await item.locator('.preview').waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 30_000);

  it('reaches every action of a document with the keyboard, focus visible', async () => {
    await page.getByLabel('Rechercher dans les titres').focus();
    const reached: string[] = [];
    for (let step = 0; step < 24 && reached.length < 10; step += 1) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const element = document.activeElement;
        return element instanceof HTMLButtonElement ? { text: element.textContent, outline: getComputedStyle(element).outlineStyle } : null;
      });
      if (focused !== null) {
        expect(focused.outline).not.toBe('none');
        reached.push(focused.text);
      }
    }
    const actions = ['Ouvrir', 'Télécharger', 'Nouvelle version', 'Masquer aux praticiens', 'Supprimer'];
    expect(reached).toEqual([...actions, ...actions]);
  });

  it('deletes the image after a confirmation', async () => {
    const item = page.locator('.document').filter({ hasText: CANARIES.pngTitle });
    await item.getByRole('button', { name: 'Supprimer' }).click();
    await item.getByRole('button', { name: 'Oui, supprimer' }).click();
    await page.getByText('Document supprimé.').waitFor();
    expect(await listedTitles()).toEqual([`Bilan sanguin ${CANARIES.pdfTitle}`]);
  }, 30_000);

  it('shows the access history: each reading of the PDF by the patient, the deleted image as such', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Historique des accès' }).click();
    const rows = page.locator('table.history tbody tr');
    await rows.first().waitFor();
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)));
    expect(cells).toContainEqual(['Vous', 'Contenu téléchargé', `Bilan sanguin ${CANARIES.pdfTitle}`]);
    expect(cells).toContainEqual(['Vous', 'Clé du document lue', 'Document supprimé']);
    // The PDF's content was read five times: preview, download, new version's download and preview, phone preview.
    expect(cells.filter(([, action, what]) => action === 'Contenu téléchargé' && what === `Bilan sanguin ${CANARIES.pdfTitle}`)).toHaveLength(5);
    expect(cells).toContainEqual(['Vous', 'Contenu téléchargé', 'Document supprimé']);
  }, 30_000);

  it('ATK-34 leaves no canary in DATA_DIR (database, WAL, blobs) nor in what the server printed', () => {
    const files = filesUnder(server.dataDir);
    expect(files.some((path) => path.endsWith('-wal'))).toBe(true);
    expect(files.some((path) => path.includes('blobs'))).toBe(true);
    const found = files.flatMap((path) => {
      const bytes = readFileSync(path);
      return Object.values(CANARIES).filter((value) => bytes.includes(value)).map((value) => `${value} in ${path}`);
    });
    expect(found).toEqual([]);
    expect(server.output()).toMatch(/^Coffre santé : http/);
    expect(Object.values(CANARIES).filter((value) => server.output().includes(value))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('ATK-34 passes vault-audit, run as an auditor runs it, over DATA_DIR and the server output: exit 0, no canary in any form', async () => {
    const work = mkdtempSync(join(tmpdir(), 'e2e-audit-'));
    try {
      const log = join(work, 'server.log');
      writeFileSync(log, server.output());
      const canaries = Object.values(CANARIES).flatMap((value) => ['--canary', value]);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/audit/main.ts', '--data', server.dataDir, '--logs', log, ...canaries, '--json'], { cwd: REPO_ROOT });
      const report = JSON.parse(stdout) as { errors: number; canaries: { count: number; hits: number }; tables: { name: string; rows: number }[] };
      expect(report.errors).toBe(0);
      expect(report.canaries).toMatchObject({ count: Object.keys(CANARIES).length, hits: 0 });
      expect(report.tables.find((table) => table.name === 'access_events')?.rows).toBeGreaterThan(0);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);

  it('ATK-34 sends no canary and never the password in any request body, uploads included', () => {
    expect(sent.filter(({ request }) => request.startsWith('PUT /api/vaults/')).length).toBeGreaterThanOrEqual(2);
    const secrets = [...Object.values(CANARIES), PASSWORD];
    const leaks = sent.flatMap(({ request, body }) => secrets.filter((value) => body.includes(value)).map((value) => `${value} in ${request}`));
    expect(leaks).toEqual([]);
  });

  it('runs the crypto in a Worker: the page itself never loads libsodium', async () => {
    expect(page.workers()).toHaveLength(1);
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
    expect(loaded.some((name) => name.includes('crypto-worker'))).toBe(true);
    expect(loaded.filter((name) => /sodium/i.test(name))).toEqual([]);
  });
});
