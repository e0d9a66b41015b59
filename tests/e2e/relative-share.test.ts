// Sharing with a relative in real Chromium, two browsers (a patient's and a relative's, both patient
// accounts), through the built web app and the real server on a throwaway DATA_DIR. Relatives are not in
// the directory: the patient adds documents in two categories and creates a sharing code on "Partager"
// (text and QR, with its expiry); the relative pastes it in "Mes proches" and is told what it was for; the
// patient compares the relative's fingerprint with the one the relative's "Mon compte" page shows and
// shares one category, read only, until a date; the relative sees only that category in "Partagés avec
// moi" and downloads the exact bytes; the patient's history names the relative. Titles, file names and
// file bytes hold canaries that must appear nowhere in DATA_DIR, the server's output or any request body
// (ATK-34).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Browser } from './browser.ts';
import { expectNoCanaryLeaked } from './canary-check.ts';
import { buildPdf, buildPng } from './fixtures.ts';
import { SLOW, accessHistory, addDocuments, done, downloadFrom, localDate, navigate, openRecordedBrowsers, signUpAndLogIn, type Recording } from './flows.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

const PATIENT = 'patiente.proche@example.org';
const RELATIVE = 'fils.proche@example.org';
const canary = (label: string) => `CANARY-${label}-${randomBytes(6).toString('hex')}`;
const CANARIES = {
  labBody: canary('labbody'), labTitle: canary('labtitle'), labName: canary('labname'),
  imageBody: canary('imagebody'), imageTitle: canary('imagetitle'), imageName: canary('imagename'),
};
const LAB = { name: `${CANARIES.labName}.pdf`, mimeType: 'application/pdf', buffer: buildPdf({ pages: 1, comment: CANARIES.labBody }) };
const IMAGE = { name: `${CANARIES.imageName}.png`, mimeType: 'image/png', buffer: buildPng(40, 30, CANARIES.imageBody) };
const LAB_TITLE = `Bilan sanguin ${CANARIES.labTitle}`;
const IMAGE_TITLE = `Radio du genou ${CANARIES.imageTitle}`;

let server: ServerProcess;
let patientBrowser: Browser;
let relativeBrowser: Browser;
let patient: Page;
let relative: Page;
const recording: Recording = { sent: [], pageErrors: [] };

beforeAll(async () => {
  server = await startServerProcess();
  const opened = await openRecordedBrowsers(['patient', 'relative'], server.url, recording);
  ({ browser: patientBrowser, page: patient } = opened.patient);
  ({ browser: relativeBrowser, page: relative } = opened.relative);
}, 120_000);

afterAll(async () => {
  await patientBrowser.close();
  await relativeBrowser.close();
  await server.close();
});

/** The patient's "Partager" page, opened afresh so it reads the sharing codes again. */
async function sharePage(): Promise<void> {
  await navigate(patient, 'Mon compte');
  await patient.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor();
  await navigate(patient, 'Partager');
  await patient.getByRole('heading', { level: 1, name: 'Partager mes documents' }).waitFor();
}

let code = '';
let relativeFingerprint = '';

describe('sharing with a relative through a sharing code, in two Chromium browsers', () => {
  it('the patient adds documents in two categories and creates a sharing code, shown as text and QR with its expiry', async () => {
    await signUpAndLogIn(patient, PATIENT);
    await addDocuments(patient, [{ file: LAB, title: LAB_TITLE, category: '11502-2' }, { file: IMAGE, title: IMAGE_TITLE, category: '18748-4' }]);

    await sharePage();
    const section = patient.getByRole('region', { name: 'Partager avec un proche' });
    await section.getByRole('button', { name: 'Créer un code de partage' }).click();
    const text = section.getByTestId('invite-code');
    await text.waitFor({ timeout: SLOW });
    code = (await text.textContent()) ?? '';
    expect(code).toMatch(/^coffre-sante:inv1:[A-Za-z0-9_-]+$/);
    const shown = section.getByRole('group', { name: 'Code de partage' });
    expect(await shown.locator('svg.qr-code').getAttribute('data-qr-payload')).toBe(code);
    expect(await shown.getByRole('img').getAttribute('aria-label')).toBe('Code QR du code de partage');
    expect(await shown.textContent()).toMatch(/Expire le /);
    await section.getByText('Invitation en attente : le code n’a pas encore été utilisé.').waitFor({ timeout: SLOW });
    expect(await patient.getByRole('button', { name: 'Partager avec ce proche' }).count()).toBe(0);
  }, 180_000);

  it('the relative, another patient, joins with the code and is told the patient may now share with them', async () => {
    await signUpAndLogIn(relative, RELATIVE);
    expect(await relative.getByRole('navigation').getByRole('link', { name: 'Partagés avec moi', exact: true }).count()).toBe(1);
    await navigate(relative, 'Mes proches');
    await relative.getByRole('heading', { name: 'Rejoindre avec un code' }).waitFor({ timeout: SLOW });
    await relative.getByLabel('Code d’invitation ou de partage').fill(code);
    await relative.getByRole('button', { name: 'Rejoindre' }).click();
    await done(relative, `${PATIENT} pourra partager des documents avec vous : ils apparaîtront dans « Partagés avec moi »`);
    // A sharing code makes no record appear: nothing to switch to.
    expect(await relative.getByLabel('Dossier affiché').count()).toBe(0);
    await navigate(relative, 'Partagés avec moi');
    await relative.getByText('Aucun patient ne partage de document avec vous pour l’instant.').waitFor({ timeout: SLOW });

    await navigate(relative, 'Mon compte');
    const own = relative.getByTestId('fingerprint-number');
    await own.waitFor({ timeout: SLOW });
    relativeFingerprint = (await own.textContent()) ?? '';
    expect(relativeFingerprint).toMatch(/^\d{5}( \d{5}){7}$/);
  }, 180_000);

  it('the patient sees the same fingerprint, and shares one category, read only, until a date', async () => {
    await sharePage();
    const invite = patient.locator('.invite').filter({ hasText: `${RELATIVE} a utilisé votre code de partage` });
    await invite.waitFor({ timeout: SLOW });
    expect(await invite.getByTestId('fingerprint-number').textContent()).toBe(relativeFingerprint);
    await invite.getByRole('button', { name: 'Partager avec ce proche' }).click();
    const form = patient.getByRole('region', { name: `Ce que ${RELATIVE} pourra lire` });
    await form.waitFor();
    // A relative reads: no contributor option.
    expect(await form.getByLabel('Autoriser ce praticien à ajouter des documents (résultats, courriers)').count()).toBe(0);
    await form.getByText('Votre proche pourra lire et télécharger ces documents, sans pouvoir en ajouter.').waitFor();
    await form.getByLabel('Une ou plusieurs catégories').check();
    await form.getByRole('group', { name: 'Catégories partagées' }).getByLabel('Biologie').check();
    await form.getByLabel('Fin de la prise en charge (facultatif)').fill(localDate(30));
    await form.getByRole('button', { name: 'Partager', exact: true }).click();
    await done(patient, 'Partage enregistré.');
    const share = patient.locator('.share').filter({ hasText: RELATIVE });
    await share.waitFor({ timeout: SLOW });
    const text = await share.textContent();
    expect(text).toContain('Catégories : Biologie');
    expect(text).toContain('Vérifiée');
    expect(text).toContain('Ajout de documentsNon autorisé');
    // The used code went with the share.
    expect(await patient.locator('.invite').count()).toBe(0);
  }, 180_000);

  it('the relative sees only that category in “Partagés avec moi” and downloads the exact bytes', async () => {
    await navigate(relative, 'Mes documents');
    await relative.getByRole('heading', { level: 1, name: 'Mes documents' }).waitFor();
    await navigate(relative, 'Partagés avec moi');
    const vault = relative.locator('.shared-vault');
    await vault.or(relative.getByRole('alert')).first().waitFor({ timeout: SLOW });
    expect(await relative.getByRole('alert').allTextContents()).toEqual([]);
    expect(await relative.getByRole('heading', { name: `Patient : ${PATIENT}` }).count()).toBe(1);
    expect(await vault.locator('.hint').first().textContent()).toMatch(/^Partage jusqu’au /);
    expect(await vault.locator('.document .document-title').allTextContents()).toEqual([`${LAB_TITLE} nouveau`]);
    expect(await relative.getByRole('button', { name: 'Ajouter un document au dossier' }).count()).toBe(0);
    const file = await downloadFrom(relative, vault.locator('.document').filter({ hasText: LAB_TITLE }));
    expect(file.name).toBe(LAB.name);
    expect(Buffer.compare(file.bytes, LAB.buffer)).toBe(0);
  }, 120_000);

  it('the patient’s access history names the relative who read the document, and only that one', async () => {
    const cells = await accessHistory(patient);
    expect(cells).toContainEqual([RELATIVE, 'Contenu téléchargé', LAB_TITLE]);
    expect(cells.some(([who, , what]) => who === RELATIVE && what === IMAGE_TITLE)).toBe(false);
  }, 60_000);

  it('ATK-34 leaves no canary in DATA_DIR, in what the server printed, nor in any request body', () => {
    expectNoCanaryLeaked({ server, canaries: CANARIES, sent: recording.sent });
    // The sharing code is a secret between the two people: it never reaches the server either.
    expect(recording.sent.filter(({ body }) => body.includes(code)).map(({ request }) => request)).toEqual([]);
    expect(recording.pageErrors).toEqual([]);
  });
});
