// The account's life in real Chromium, through the built web app and the server as `npm start` runs it, on
// a throwaway DATA_DIR: sign up (the recovery words read from the page), add a document, change the
// password, forget it and recover with the words, find the document again, then delete the account:
// log-in fails and DATA_DIR keeps no blob. Neither the document's canaries, nor a password, nor the words
// ever reach DATA_DIR or what the server printed (ATK-34).
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type Browser } from './browser.ts';
import { filesUnder } from './files-under.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

const ACCOUNT = 'compte@example.org';
const FIRST = 'premier mot de passe assez long';
const SECOND = 'deuxième mot de passe assez long';
const RECOVERED = 'mot de passe après récupération';
const CANARY = randomBytes(6).toString('hex');
const TITLE = `Ordonnance du docteur CANARY-title-${CANARY}`;
const FILE = { name: `ordonnance-CANARY-name-${CANARY}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`Paracétamol 1 g, trois fois par jour. CANARY-body-${CANARY}`) };

let server: ServerProcess;
let browser: Browser;
let page: Page;
let words: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startServerProcess();
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (error) => { pageErrors.push(error.message); });
  await page.goto(server.url);
}, 120_000);

afterAll(async () => {
  await browser.close();
  await server.close();
});

async function logIn(password: string): Promise<void> {
  await page.goto(new URL('/connexion', server.url).href);
  await page.getByLabel('Identifiant').fill(ACCOUNT);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

async function alert(text: string): Promise<void> {
  await page.getByRole('alert').filter({ hasText: text }).waitFor({ timeout: 30_000 });
}

function blobFiles(): string[] {
  return readdirSync(join(server.dataDir, 'blobs'), { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name);
}

describe('an account in Chromium', () => {
  it('ATK-27 refuses a common password at sign-up with a sentence a patient understands', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Créer un compte' }).click();
    await page.getByLabel('Identifiant').fill(ACCOUNT);
    await page.getByLabel('Mot de passe', { exact: true }).fill('motdepasse123');
    await page.getByLabel('Mot de passe (encore)').fill('motdepasse123');
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await alert('Ce mot de passe est trop courant ou trop facile à deviner.');
    expect(await page.getByTestId('recovery-words').count()).toBe(0);
  }, 40_000);

  it('signs up, reads the 24 words and adds a document', async () => {
    await page.getByLabel('Mot de passe', { exact: true }).fill(FIRST);
    await page.getByLabel('Mot de passe (encore)').fill(FIRST);
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.getByTestId('recovery-words').waitFor({ timeout: 30_000 });
    words = await page.getByTestId('recovery-words').locator('li').allTextContents();
    expect(words).toHaveLength(24);
    await page.getByRole('button', { name: 'J’ai noté mes mots' }).click();
    await logIn(FIRST);
    await page.getByRole('navigation').getByRole('link', { name: 'Ajouter des documents' }).click();
    await page.getByLabel('Fichiers').setInputFiles([FILE]);
    await page.locator('.file-row').getByLabel('Titre').fill(TITLE);
    await page.getByRole('button', { name: 'Chiffrer et envoyer' }).click();
    await page.getByText('Tous les documents ont été ajoutés.').waitFor({ timeout: 20_000 });
    expect(blobFiles().length).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('changes the password on "Mon compte"; a wrong current password is said so and keeps the session', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Mon compte' }).click();
    await page.getByLabel('Mot de passe actuel').fill('pas le bon mot de passe');
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(SECOND);
    await page.getByLabel('Nouveau mot de passe (encore)').fill(SECOND);
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await alert('Mot de passe incorrect.');
    await page.getByLabel('Mot de passe actuel').fill(FIRST);
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await page.getByRole('status').filter({ hasText: 'Mot de passe changé.' }).waitFor({ timeout: 20_000 });
    await page.getByRole('navigation').getByRole('link', { name: 'Mes documents' }).click();
    await page.locator('.documents .document-title').filter({ hasText: TITLE }).waitFor();
  }, 40_000);

  it('recovers with the words read at sign-up, then logs in with the new password and finds the document', async () => {
    await page.getByRole('navigation').getByRole('button', { name: 'Se déconnecter' }).click();
    // Log-out ends on the home page: wait for it, so the next navigation does not cut the request short.
    await page.getByRole('heading', { name: 'Coffre santé' }).waitFor({ timeout: 20_000 });
    await page.goto(new URL('/connexion', server.url).href);
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    // The log-in page stays on screen until the recovery page's chunk arrives, and it has an "Identifiant"
    // field too: filling before the new heading shows types into the page being left.
    await page.getByRole('heading', { name: 'Retrouver l’accès avec vos mots de secours' }).waitFor({ timeout: 20_000 });
    await page.getByLabel('Identifiant').fill(ACCOUNT);
    await page.getByLabel('Vos 24 mots de secours').fill(words.slice(1).join(' '));
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(RECOVERED);
    await page.getByLabel('Nouveau mot de passe (encore)').fill(RECOVERED);
    await page.getByRole('button', { name: 'Définir le nouveau mot de passe' }).click();
    await alert('Ces mots ne forment pas une phrase de secours valide');
    await page.getByLabel('Vos 24 mots de secours').fill(words.join('\n'));
    await page.getByRole('button', { name: 'Définir le nouveau mot de passe' }).click();
    await page.getByText('Mot de passe changé. Connectez-vous avec le nouveau mot de passe.').waitFor({ timeout: 20_000 });
    await logIn(SECOND);
    await alert('Identifiant ou mot de passe incorrect.');
    await logIn(RECOVERED);
    await page.locator('.documents .document-title').filter({ hasText: TITLE }).waitFor({ timeout: 20_000 });
  }, 40_000);

  it('deletes the account after the identifier is typed again: log-in fails and no blob is left', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Mon compte' }).click();
    await page.getByText('La suppression est définitive').waitFor();
    await page.getByText('Ce qui ne peut pas être rappelé').waitFor();
    await page.getByLabel('Pour confirmer, tapez votre identifiant').fill('autre@example.org');
    await page.getByLabel('Votre mot de passe').fill(RECOVERED);
    await page.getByRole('button', { name: 'Supprimer définitivement mon compte et mes documents' }).click();
    await alert('L’identifiant tapé n’est pas celui de ce compte.');
    expect(blobFiles().length).toBeGreaterThanOrEqual(1);
    await page.getByLabel('Pour confirmer, tapez votre identifiant').fill(ACCOUNT);
    await page.getByRole('button', { name: 'Supprimer définitivement mon compte et mes documents' }).click();
    await page.getByText('Votre compte et tous vos documents ont été supprimés.').waitFor({ timeout: 20_000 });
    expect(blobFiles()).toEqual([]);
    await logIn(RECOVERED);
    await alert('Identifiant ou mot de passe incorrect.');
    expect(pageErrors).toEqual([]);
  }, 40_000);

  it('ATK-34 leaves no canary, password or recovery word in DATA_DIR nor in what the server printed, and after the deletion not even the account id', () => {
    const secrets = [ACCOUNT, `CANARY-title-${CANARY}`, `CANARY-name-${CANARY}`, `CANARY-body-${CANARY}`, FIRST, SECOND, RECOVERED, words.join(' ')];
    const files = filesUnder(server.dataDir);
    expect(files.some((path) => path.endsWith('vault.sqlite3'))).toBe(true);
    const found = files.flatMap((path) => {
      const bytes = readFileSync(path);
      return secrets.filter((value) => bytes.includes(value)).map((value) => `${value} in ${path}`);
    });
    expect(found).toEqual([]);
    expect(server.output()).toMatch(/^Coffre santé : http/);
    expect(secrets.filter((value) => server.output().includes(value))).toEqual([]);
  });
});
