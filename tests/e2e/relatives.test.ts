// A relative's record in real Chromium, three browsers (two parents, a pediatrician), through the built
// web app and the real server on a throwaway DATA_DIR. The first parent creates their child's record under
// "Mes proches", chooses it in the vault switcher and adds a document to it (their own record stays empty);
// invites the other parent, who joins with the code; the first parent compares the fingerprint shown with
// the one the second parent's "Mon compte" page shows and adds them as co-manager; the second parent then
// finds the record in the switcher, opens the document and downloads the same bytes, shares the child's
// record with a pediatrician who reads it, and last leaves the record, which the first parent keeps. The
// child's name, the title, the file name and the file bytes hold canaries that must appear nowhere in
// DATA_DIR, the server's output or any request body (ATK-34).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Browser } from './browser.ts';
import { expectNoCanaryLeaked } from './canary-check.ts';
import { buildPdf } from './fixtures.ts';
import { SLOW, accessHistory, addDocuments, choosePractitioner, documentsOf, done, downloadFrom, navigate, openRecordedBrowsers, publishProfile, showRecord, signUpAndLogIn, type Recording } from './flows.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import { isValidRpps } from '../../shared/practitioners.ts';

const FIRST = 'parent.un@example.org';
const SECOND = 'parent.deux@example.org';
const PEDIATRICIAN = 'dr.petit@example.org';
const PEDIATRICIAN_NAME = 'Dr Anne Petit';
const RPPS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((key) => `1001122334${key}`).find(isValidRpps) ?? '';
const canary = (label: string) => `CANARY-${label}-${randomBytes(6).toString('hex')}`;
const CANARIES = { child: canary('child'), body: canary('body'), title: canary('title'), name: canary('name') };
const CHILD = `Léa ${CANARIES.child}`;
const VACCINES = { name: `${CANARIES.name}.pdf`, mimeType: 'application/pdf', buffer: buildPdf({ pages: 1, comment: CANARIES.body }) };
const VACCINES_TITLE = `Carnet de vaccination ${CANARIES.title}`;

let server: ServerProcess;
let firstBrowser: Browser;
let secondBrowser: Browser;
let pediatricianBrowser: Browser;
let first: Page;
let second: Page;
let pediatrician: Page;
const recording: Recording = { sent: [], pageErrors: [] };

beforeAll(async () => {
  server = await startServerProcess();
  const opened = await openRecordedBrowsers(['first', 'second', 'pediatrician'], server.url, recording);
  ({ browser: firstBrowser, page: first } = opened.first);
  ({ browser: secondBrowser, page: second } = opened.second);
  ({ browser: pediatricianBrowser, page: pediatrician } = opened.pediatrician);
}, 120_000);

afterAll(async () => {
  await firstBrowser.close();
  await secondBrowser.close();
  await pediatricianBrowser.close();
  await server.close();
});

/** The record's section on "Mes proches" (the page is opened afresh so it reads invitations again). */
async function recordSection(page: Page) {
  await navigate(page, 'Mon compte');
  await page.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor();
  await navigate(page, 'Mes proches');
  const section = page.getByRole('region', { name: CHILD });
  await section.waitFor({ timeout: SLOW });
  return section;
}

let code = '';

describe('a relative’s record kept by two parents and shared with a pediatrician, in three Chromium browsers', () => {
  it('the first parent creates the child’s record and adds a document to it, not to their own', async () => {
    await signUpAndLogIn(first, FIRST);
    expect(await first.getByLabel('Dossier affiché').count()).toBe(0);
    await navigate(first, 'Mes proches');
    await first.getByText('Vous ne gérez le dossier d’aucun proche pour l’instant.').waitFor({ timeout: SLOW });
    await first.getByLabel('Nom du proche').fill(CHILD);
    await first.getByRole('button', { name: 'Créer le dossier' }).click();
    await done(first, 'Dossier créé.');
    await first.getByRole('region', { name: CHILD }).waitFor();
    const options = await first.getByLabel('Dossier affiché').locator('option').allTextContents();
    expect(options).toEqual(['Mon dossier', CHILD]);

    expect(await documentsOf(first, CHILD)).toEqual([]);
    await addDocuments(first, [{ file: VACCINES, title: VACCINES_TITLE, category: '11369-6' }]);
    expect(await documentsOf(first, CHILD)).toEqual([VACCINES_TITLE]);
    expect(await documentsOf(first, 'Mon dossier')).toEqual([]);
  }, 180_000);

  it('the first parent makes an invitation code, shown as text and as a QR code with its expiry', async () => {
    const section = await recordSection(first);
    await section.getByText(`${FIRST} (vous)`).waitFor({ timeout: SLOW });
    await section.getByRole('button', { name: 'Créer un code d’invitation' }).click();
    const text = section.getByTestId('invite-code');
    await text.waitFor({ timeout: SLOW });
    code = (await text.textContent()) ?? '';
    expect(code).toMatch(/^coffre-sante:inv1:[A-Za-z0-9_-]+$/);
    expect(await section.locator('.invite-code svg.qr-code').getAttribute('data-qr-payload')).toBe(code);
    expect(await section.locator('.invite-code').textContent()).toMatch(/Expire le /);
    // The list of invitations is read again after the code is shown: wait for it, then count.
    const pending = section.getByText('Invitation en attente : le code n’a pas encore été utilisé.');
    await pending.first().waitFor({ timeout: SLOW });
    expect(await pending.count()).toBe(1);
  }, 60_000);

  it('the second parent joins with the code; a truncated code is refused in French', async () => {
    await signUpAndLogIn(second, SECOND);
    await navigate(second, 'Mes proches');
    await second.getByLabel('Code d’invitation').fill(code.slice(0, -6));
    await second.getByRole('button', { name: 'Rejoindre' }).click();
    await second.getByRole('alert').filter({ hasText: 'Ce code d’invitation n’est pas valide' }).waitFor({ timeout: SLOW });
    await second.getByLabel('Code d’invitation').fill(code);
    await second.getByRole('alert').waitFor({ state: 'detached' });
    await second.getByRole('button', { name: 'Rejoindre' }).click();
    await done(second, 'Invitation acceptée.');
    expect(await second.getByLabel('Dossier affiché').count()).toBe(0);
  }, 120_000);

  it('the first parent compares the second parent’s fingerprint and adds them as co-manager', async () => {
    await navigate(second, 'Mon compte');
    const own = second.getByTestId('fingerprint-number');
    await own.waitFor({ timeout: SLOW });
    const number = (await own.textContent()) ?? '';
    expect(number).toMatch(/^\d{5}( \d{5}){7}$/);

    const section = await recordSection(first);
    const invite = section.locator('.invite').filter({ hasText: `${SECOND} a utilisé le code` });
    await invite.waitFor({ timeout: SLOW });
    expect(await invite.getByTestId('fingerprint-number').textContent()).toBe(number);
    await invite.getByRole('button', { name: 'Ajouter comme co-gestionnaire' }).click();
    await done(first, 'Co-gestionnaire ajouté.');
    expect(await section.locator('.manager').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(SECOND)]));
  }, 120_000);

  it('the second parent switches to the child’s record and reads the document', async () => {
    await navigate(second, 'Mes proches');
    await second.getByRole('region', { name: CHILD }).waitFor({ timeout: SLOW });
    expect(await documentsOf(second, CHILD)).toEqual([VACCINES_TITLE]);
    const item = second.locator('.document').filter({ hasText: VACCINES_TITLE });
    await item.getByRole('button', { name: 'Ouvrir' }).click();
    await item.locator('.preview canvas').waitFor({ timeout: SLOW });
    const file = await downloadFrom(second, item);
    expect(file.name).toBe(VACCINES.name);
    expect(Buffer.compare(file.bytes, VACCINES.buffer)).toBe(0);
    expect(await documentsOf(second, 'Mon dossier')).toEqual([]);
  }, 120_000);

  it('the second parent shares the child’s record with a pediatrician, who reads the document', async () => {
    await signUpAndLogIn(pediatrician, PEDIATRICIAN, true);
    await publishProfile(pediatrician, { name: PEDIATRICIAN_NAME, rpps: RPPS, place: 'Cabinet de pédiatrie', city: 'Rennes' });

    await showRecord(second, CHILD);
    await navigate(second, 'Partager');
    await choosePractitioner(second, 'petit rennes', PEDIATRICIAN_NAME);
    await second.getByRole('button', { name: 'J’ai vérifié avec le praticien' }).click({ timeout: SLOW });
    await done(second, 'Empreinte vérifiée avec le praticien.');
    await second.getByLabel('Tout mon dossier, y compris les documents que j’ajouterai plus tard').check();
    await second.getByLabel('Autoriser ce praticien à ajouter des documents (résultats, courriers)').uncheck();
    await second.getByRole('button', { name: 'Partager', exact: true }).click();
    await done(second, 'Partage enregistré.');
    expect(await second.locator('.share').filter({ hasText: PEDIATRICIAN_NAME }).textContent()).toContain('Ajout de documentsNon autorisé');

    await navigate(pediatrician, 'Mon compte');
    await navigate(pediatrician, 'Partagés avec moi');
    const item = pediatrician.locator('.shared-vault .document').filter({ hasText: VACCINES_TITLE });
    await item.or(pediatrician.getByRole('alert')).first().waitFor({ timeout: SLOW });
    expect(await pediatrician.getByRole('alert').allTextContents()).toEqual([]);
    expect(await pediatrician.getByRole('button', { name: 'Ajouter un document au dossier' }).count()).toBe(0);
    const file = await downloadFrom(pediatrician, item);
    expect(Buffer.compare(file.bytes, VACCINES.buffer)).toBe(0);
    // The first parent's own record shares nothing: the share is the child's.
    await showRecord(first, 'Mon dossier');
    await navigate(first, 'Partager');
    await first.getByText('Vous ne partagez aucun document pour l’instant.').waitFor({ timeout: SLOW });
  }, 180_000);

  it('the child’s access history, seen by the first parent, names the second parent who read the document', async () => {
    await showRecord(first, CHILD);
    const cells = await accessHistory(first);
    expect(cells).toContainEqual([SECOND, 'Contenu téléchargé', VACCINES_TITLE]);
  }, 60_000);

  it('the second parent leaves the record: it leaves their switcher, and the first parent manages it alone again', async () => {
    await navigate(second, 'Mes proches');
    const section = second.getByRole('region', { name: CHILD });
    await section.getByText(`${SECOND} (vous)`).waitFor({ timeout: SLOW });
    await section.getByRole('button', { name: 'Quitter ce dossier' }).click();
    expect(await section.getByRole('group').textContent()).toContain('Vous n’aurez plus accès à ce dossier.');
    await section.getByRole('button', { name: 'Oui, quitter' }).click();
    await second.getByText('Vous ne gérez le dossier d’aucun proche pour l’instant.').waitFor({ timeout: SLOW });
    expect(await second.getByLabel('Dossier affiché').count()).toBe(0);
    await navigate(second, 'Mes documents');
    await second.getByText('Aucun document pour l’instant.').waitFor({ timeout: SLOW });

    const remaining = await recordSection(first);
    await remaining.getByText(`${FIRST} (vous)`).waitFor({ timeout: SLOW });
    expect(await remaining.locator('.manager').count()).toBe(1);
    expect(await documentsOf(first, CHILD)).toEqual([VACCINES_TITLE]);
  }, 120_000);

  it('ATK-34 leaves no canary (the child’s name included) in DATA_DIR, in what the server printed, nor in any request body', () => {
    expectNoCanaryLeaked({ server, canaries: CANARIES, sent: recording.sent });
    expect(recording.pageErrors).toEqual([]);
  });
});
