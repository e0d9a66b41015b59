// What the multi-browser tests share: browsers opened on the app with every request body and page error
// recorded (the canary checks read them), and the account flows and waits each page goes through.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { launchChromium, type Browser } from './browser.ts';

export const SLOW = 40_000;
export const PASSWORD = 'une phrase de passe assez longue';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SentRequest {
  /** "METHOD path", without the query. */
  request: string;
  body: Buffer;
}

/** Every request body the browsers sent (pages and Workers), and every error their pages showed. */
export interface Recording {
  sent: SentRequest[];
  pageErrors: string[];
}

export interface OpenedBrowser {
  browser: Browser;
  page: Page;
}

/** Launches one fresh Chromium per role, each with one page on `url`, all recorded into `recording`. */
export async function openRecordedBrowsers<Role extends string>(roles: readonly Role[], url: string, recording: Recording): Promise<Record<Role, OpenedBrowser>> {
  const opened: [Role, OpenedBrowser][] = [];
  for (const role of roles) {
    const browser = await launchChromium();
    opened.push([role, { browser, page: await browser.context.newPage() }]);
  }
  for (const [, { browser }] of opened) {
    browser.context.on('request', (request) => {
      recording.sent.push({ request: `${request.method()} ${new URL(request.url()).pathname}`, body: request.postDataBuffer() ?? Buffer.alloc(0) });
    });
  }
  for (const [, { page }] of opened) {
    page.on('pageerror', (error) => { recording.pageErrors.push(error.message); });
    // A missing favicon and the 401/404 answers the app expects are not errors of the page.
    page.on('console', (message) => { if (message.type() === 'error' && !/favicon|status of 40[14]/.test(message.text())) recording.pageErrors.push(message.text()); });
    await page.goto(url);
  }
  return Object.fromEntries(opened) as Record<Role, OpenedBrowser>;
}

export async function navigate(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
}

/** Creates the account, past the recovery words, up to the log-in form. */
export async function signUp(page: Page, accountId: string, asPractitioner = false): Promise<void> {
  await navigate(page, 'Créer un compte');
  if (asPractitioner) await page.getByLabel('Je suis un professionnel de santé').check();
  await page.getByLabel('Identifiant').fill(accountId);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Mot de passe (encore)').fill(PASSWORD);
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await page.getByRole('button', { name: 'J’ai noté mes mots' }).click({ timeout: SLOW });
  await page.getByText('Compte créé. Connectez-vous pour ouvrir votre coffre.').waitFor();
}

/** Logs in from the form shown, and waits for the page titled `landing`. */
export async function logIn(page: Page, accountId: string, landing: string): Promise<void> {
  await page.getByLabel('Identifiant').fill(accountId);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { level: 1, name: landing }).waitFor({ timeout: SLOW });
}

/** A practitioner lands on "Partagés avec moi", a patient on "Mes documents". */
export async function signUpAndLogIn(page: Page, accountId: string, asPractitioner = false): Promise<void> {
  await signUp(page, accountId, asPractitioner);
  await logIn(page, accountId, asPractitioner ? 'Partagés avec moi' : 'Mes documents');
}

/** Waits for the status line `text`; an alert shown instead fails at once, with its sentence. */
export async function done(page: Page, text: string): Promise<void> {
  const alert = page.getByRole('alert');
  await page.getByRole('status').filter({ hasText: text }).or(alert).first().waitFor({ timeout: SLOW });
  expect(await alert.allTextContents()).toEqual([]);
}

/** YYYY-MM-DD, `days` from today in local time (what the date field takes). */
export function localDate(days: number): string {
  const date = new Date(Date.now() + days * DAY_MS);
  return `${String(date.getFullYear())}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

export interface DocumentToAdd {
  file: { name: string; mimeType: string; buffer: Buffer };
  title: string;
  /** The LOINC code of the category, as the select's value. */
  category: string;
}

/** Adds the documents in one upload from "Ajouter des documents", and waits until all are sent. */
export async function addDocuments(page: Page, documents: DocumentToAdd[]): Promise<void> {
  await navigate(page, 'Ajouter des documents');
  // The page's code may arrive after the click: the page being left stays on screen until then.
  await page.getByRole('heading', { level: 1, name: 'Ajouter des documents' }).waitFor({ timeout: SLOW });
  await page.getByLabel('Fichiers').setInputFiles(documents.map(({ file }) => file));
  const rows = page.locator('.file-row');
  for (const [index, { title, category }] of documents.entries()) {
    await rows.nth(index).getByLabel('Titre').fill(title);
    await rows.nth(index).getByLabel('Catégorie').selectOption(category);
  }
  await page.getByRole('button', { name: 'Chiffrer et envoyer' }).click();
  await page.getByText('Tous les documents ont été ajoutés.').waitFor({ timeout: SLOW });
}

/** "Historique des accès" as shown: per row, the cells after the date (who, what, which document). */
export async function accessHistory(page: Page): Promise<(string | null)[][]> {
  await navigate(page, 'Historique des accès');
  const rows = page.locator('table.history tbody tr');
  await rows.first().waitFor({ timeout: SLOW });
  return rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)));
}

/** Chooses a record in the header's switcher ("Dossier affiché"): every vault page then acts on it. */
export async function showRecord(page: Page, record: string): Promise<void> {
  await page.getByLabel('Dossier affiché').selectOption({ label: record });
  await page.getByRole('button', { name: 'Afficher', exact: true }).click();
}

/** Chooses a record, then opens "Mes documents" and returns the titles listed. */
export async function documentsOf(page: Page, record: string): Promise<string[]> {
  await showRecord(page, record);
  await navigate(page, 'Mes documents');
  await page.locator('.document, p:has-text("Aucun document")').first().waitFor({ timeout: SLOW });
  return page.locator('.document .document-title').allTextContents();
}

export interface DirectoryProfile {
  name: string;
  rpps: string;
  place: string;
  city: string;
}

/** A practitioner publishes their directory profile from "Mon profil professionnel". */
export async function publishProfile(page: Page, { name, rpps, place, city }: DirectoryProfile): Promise<void> {
  await navigate(page, 'Mon profil professionnel');
  await page.getByText('Votre profil n’est pas encore publié').waitFor({ timeout: SLOW });
  await page.getByLabel('Nom affiché').fill(name);
  await page.getByLabel('Profession').selectOption('medecin-generaliste');
  await page.getByLabel('Numéro RPPS').fill(rpps);
  await page.getByLabel('Lieu d’exercice').fill(place);
  await page.getByLabel('Ville').fill(city);
  await page.getByRole('button', { name: 'Publier mon profil' }).click();
  await done(page, 'Votre profil est publié dans l’annuaire.');
}

/** On "Partager" (already shown): searches the directory for `query`, chooses `name`, waits for their fingerprint. */
export async function choosePractitioner(page: Page, query: string, name: string): Promise<void> {
  await page.getByLabel('Rechercher dans l’annuaire').fill(query);
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await page.locator('.practitioner').filter({ hasText: name }).getByRole('button', { name: 'Choisir' }).click();
  await page.getByRole('heading', { name: `Vérifier l’empreinte de ${name}` }).waitFor({ timeout: SLOW });
}

/** Clicks the item's "Télécharger" and returns the file saved: its suggested name and its bytes. */
export async function downloadFrom(page: Page, item: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name: 'Télécharger', exact: true }).click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}
