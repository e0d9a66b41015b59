// Practitioners adding documents, hiding and blocking, in real Chromium, two browsers (a practitioner's and
// a patient's), through the built web app and the real server on a throwaway DATA_DIR. The patient shares
// the whole record with the practitioner, allowing additions (the default); the practitioner adds a
// result from "Partagés avec moi"; the patient sees it "Ajouté par Dr … — signature vérifiée", opens it,
// hides it (shown again with "Afficher les documents masqués"), then deletes it; the patient hides one of
// their own documents from practitioners and the practitioner no longer sees it; last, the patient blocks
// the practitioner, who then sees nothing. A contribution sent by a client that does not sign (random bytes
// through the API, as a compromised practitioner's device could) is listed apart as unverified, with no
// title and only "Supprimer" (ATK-06). Titles, file names and bytes hold canaries that must appear
// nowhere in DATA_DIR, the server's output or any request body (ATK-34).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Browser } from './browser.ts';
import { expectNoCanaryLeaked } from './canary-check.ts';
import { buildPdf, buildPng } from './fixtures.ts';
import { SLOW, addDocuments, choosePractitioner, navigate, openRecordedBrowsers, publishProfile, signUpAndLogIn, type Recording } from './flows.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import { isValidRpps } from '../../shared/practitioners.ts';

const PRACTITIONER = 'dr.durand@example.org';
const PATIENT = 'patient.contrib@example.org';
const NAME = 'Dr Paul Durand';
const RPPS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((key) => `1007654321${key}`).find(isValidRpps) ?? '';
const canary = (label: string) => `CANARY-${label}-${randomBytes(6).toString('hex')}`;
const CANARIES = {
  labBody: canary('labbody'), labTitle: canary('labtitle'), labName: canary('labname'),
  imageBody: canary('imagebody'), imageTitle: canary('imagetitle'), imageName: canary('imagename'),
  resultBody: canary('resultbody'), resultTitle: canary('resulttitle'), resultName: canary('resultname'),
};
const LAB = { name: `${CANARIES.labName}.pdf`, mimeType: 'application/pdf', buffer: buildPdf({ pages: 1, comment: CANARIES.labBody }) };
const IMAGE = { name: `${CANARIES.imageName}.png`, mimeType: 'image/png', buffer: buildPng(40, 30, CANARIES.imageBody) };
/** What the practitioner adds to the patient's record. */
const RESULT = { name: `${CANARIES.resultName}.pdf`, mimeType: 'application/pdf', buffer: buildPdf({ pages: 2, comment: CANARIES.resultBody }) };
const LAB_TITLE = `Bilan sanguin ${CANARIES.labTitle}`;
const IMAGE_TITLE = `Radio du genou ${CANARIES.imageTitle}`;
const RESULT_TITLE = `Compte rendu ${CANARIES.resultTitle}`;

let server: ServerProcess;
let practitionerBrowser: Browser;
let patientBrowser: Browser;
let practitioner: Page;
let patient: Page;
const recording: Recording = { sent: [], pageErrors: [] };

beforeAll(async () => {
  server = await startServerProcess();
  const opened = await openRecordedBrowsers(['practitioner', 'patient'], server.url, recording);
  ({ browser: practitionerBrowser, page: practitioner } = opened.practitioner);
  ({ browser: patientBrowser, page: patient } = opened.patient);
}, 120_000);

afterAll(async () => {
  await practitionerBrowser.close();
  await patientBrowser.close();
  await server.close();
});

/** The titles under "Partagés avec moi" (the page opened afresh). */
async function sharedWithMe(): Promise<string[]> {
  await navigate(practitioner, 'Mon compte');
  await practitioner.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor();
  await navigate(practitioner, 'Partagés avec moi');
  await practitioner.locator('.shared-vault, p:has-text("Aucun patient ne partage")').first().waitFor({ timeout: SLOW });
  return (await practitioner.locator('.shared-vault .document-title').allTextContents()).map((title) => title.replace(/ nouveau$/, '')).sort();
}

/** "Mes documents" opened afresh: what it lists, once loaded. */
async function patientDocuments(): Promise<void> {
  await navigate(patient, 'Historique des accès');
  await patient.getByRole('heading', { level: 1, name: 'Historique des accès' }).waitFor();
  await navigate(patient, 'Mes documents');
  await patient.locator('.document, p:has-text("Aucun document")').first().waitFor({ timeout: SLOW });
}

describe('a practitioner adds documents; the patient hides and blocks, in two Chromium browsers', () => {
  it('the practitioner publishes a profile; the patient adds two documents and shares the whole record, additions allowed', async () => {
    await signUpAndLogIn(practitioner, PRACTITIONER, true);
    await publishProfile(practitioner, { name: NAME, rpps: RPPS, place: 'Cabinet des Tilleuls', city: 'Nantes' });

    await signUpAndLogIn(patient, PATIENT, false);
    await addDocuments(patient, [{ file: LAB, title: LAB_TITLE, category: '11502-2' }, { file: IMAGE, title: IMAGE_TITLE, category: '18748-4' }]);

    await navigate(patient, 'Partager');
    await choosePractitioner(patient, 'durand nantes', NAME);
    await patient.getByRole('button', { name: 'J’ai vérifié avec le praticien' }).click({ timeout: SLOW });
    await patient.getByRole('status').filter({ hasText: 'Empreinte vérifiée avec le praticien.' }).waitFor({ timeout: SLOW });
    await patient.getByLabel('Tout mon dossier, y compris les documents que j’ajouterai plus tard').check();
    expect(await patient.getByLabel('Autoriser ce praticien à ajouter des documents (résultats, courriers)').isChecked()).toBe(true);
    await patient.getByRole('button', { name: 'Partager', exact: true }).click();
    await patient.getByRole('status').filter({ hasText: 'Partage enregistré.' }).waitFor({ timeout: SLOW });
    const share = patient.locator('.share').filter({ hasText: NAME });
    await share.waitFor({ timeout: SLOW });
    expect(await share.textContent()).toContain('Ajout de documentsAutorisé');
  }, 240_000);

  it('the practitioner adds a result to the patient’s record from “Partagés avec moi”', async () => {
    expect(await sharedWithMe()).toEqual([IMAGE_TITLE, LAB_TITLE].sort());
    await practitioner.getByRole('button', { name: 'Ajouter un document au dossier' }).click();
    const form = practitioner.locator('form.contribute');
    await form.getByLabel('Fichier').setInputFiles(RESULT);
    await form.getByLabel('Titre').fill(RESULT_TITLE);
    await form.getByLabel('Catégorie').selectOption('11502-2');
    await form.getByLabel('Date des soins').fill('2026-03-02');
    await form.getByRole('button', { name: 'Envoyer le document' }).click();
    await practitioner.getByRole('status').filter({ hasText: 'Document envoyé au dossier du patient.' }).waitFor({ timeout: SLOW });
    expect(await practitioner.getByRole('alert').count()).toBe(0);
  }, 120_000);

  it('a forged contribution (random bytes, unsigned) is listed apart as not verified, with only “Supprimer”', async () => {
    const status = await practitioner.evaluate(async () => {
      const random = (length: number) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(length)))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const json = (body: unknown) => ({ method: 'POST', credentials: 'same-origin' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const { grants } = await (await fetch('/api/shares', { credentials: 'same-origin' })).json() as { grants: { vaultId: string }[] };
      const vaultId = grants[0]?.vaultId ?? '';
      const { uploadId } = await (await fetch(`/api/vaults/${vaultId}/uploads`, json({ size: 64 }))).json() as { uploadId: string };
      const path = `/api/vaults/${vaultId}/uploads/${uploadId}`;
      await fetch(path, { method: 'PUT', credentials: 'same-origin', headers: { 'content-type': 'application/octet-stream', 'content-range': 'bytes 0-63/64' }, body: crypto.getRandomValues(new Uint8Array(64)) });
      return (await fetch(`${path}/contribute`, json({ documentId: random(16), metadata: random(300), manifest: random(400), envelopes: [random(200)] }))).status;
    });
    expect(status).toBe(201);
    await patientDocuments();
    const forged = patient.locator('.quarantined-item');
    await forged.waitFor({ timeout: SLOW });
    expect(await forged.count()).toBe(1);
    expect(['FORMAT_INVALID', 'VERSION_UNSUPPORTED', 'SIGNATURE_INVALID', 'SIGNER_NOT_ALLOWED']).toContain(await forged.getAttribute('data-code'));
    expect(await forged.textContent()).toBe('Document reçu non vérifié — il ne sera pas affichéSupprimer');
    expect(await forged.getByRole('button').allTextContents()).toEqual(['Supprimer']);
    await forged.getByRole('button', { name: 'Supprimer' }).click();
    await patient.getByRole('status').filter({ hasText: 'Document supprimé.' }).waitFor({ timeout: SLOW });
    await patientDocuments();
    expect(await patient.locator('.quarantined-item').count()).toBe(0);
    expect(await patient.locator('.added-by').count()).toBe(1);
  }, 120_000);

  it('the patient sees it added by the practitioner, signature verified, opens it, hides it, then deletes it', async () => {
    await patientDocuments();
    const item = patient.locator('.document').filter({ hasText: RESULT_TITLE });
    await item.waitFor({ timeout: SLOW });
    expect(await item.locator('.added-by').textContent()).toBe(`Ajouté par ${NAME} — signature vérifiée`);
    expect(await patient.locator('.added-by').count()).toBe(1);
    expect(await patient.locator('.quarantined-item').count()).toBe(0);
    await item.getByRole('button', { name: 'Ouvrir' }).click();
    await item.locator('.preview canvas').waitFor({ timeout: SLOW });
    await item.getByRole('button', { name: 'Fermer l’aperçu' }).click();

    await item.getByRole('button', { name: 'Masquer', exact: true }).click();
    await patient.getByRole('status').filter({ hasText: 'Document masqué.' }).waitFor({ timeout: SLOW });
    expect(await patient.locator('.document').filter({ hasText: RESULT_TITLE }).count()).toBe(0);
    await patientDocuments();
    expect(await patient.locator('.document').filter({ hasText: RESULT_TITLE }).count()).toBe(0);
    await patient.getByLabel('Afficher les documents masqués (1)').check();
    const hidden = patient.locator('.document').filter({ hasText: RESULT_TITLE });
    expect(await hidden.textContent()).toContain('Masqué de votre liste');
    await hidden.getByRole('button', { name: 'Supprimer' }).click();
    await hidden.getByRole('button', { name: 'Oui, supprimer' }).click();
    await patient.getByRole('status').filter({ hasText: 'Document supprimé.' }).waitFor({ timeout: SLOW });
    await patientDocuments();
    expect((await patient.locator('.document .document-title').allTextContents()).sort()).toEqual([IMAGE_TITLE, LAB_TITLE].sort());
  }, 120_000);

  it('the patient hides a document from practitioners: the practitioner no longer sees it', async () => {
    const item = patient.locator('.document').filter({ hasText: IMAGE_TITLE });
    await item.getByRole('button', { name: 'Masquer aux praticiens' }).click();
    await patient.getByRole('status').filter({ hasText: 'Document masqué à tous les praticiens.' }).waitFor({ timeout: SLOW });
    expect(await item.textContent()).toContain('Masqué aux praticiens');
    expect(await sharedWithMe()).toEqual([LAB_TITLE]);
  }, 120_000);

  it('the patient blocks the practitioner, who then sees nothing', async () => {
    await navigate(patient, 'Partager');
    const share = patient.locator('.share').filter({ hasText: NAME });
    await share.getByRole('button', { name: 'Bloquer ce praticien' }).click({ timeout: SLOW });
    expect(await share.getByRole('group').textContent()).toContain('les documents qu’il vous a envoyés et que vous n’avez pas encore reçus seront supprimés');
    await share.getByRole('button', { name: 'Oui, bloquer' }).click();
    await patient.getByRole('status').filter({ hasText: 'Praticien bloqué.' }).waitFor({ timeout: SLOW });
    await patient.getByText('Vous ne partagez aucun document pour l’instant.').waitFor({ timeout: SLOW });
    const blocked = patient.getByRole('region', { name: 'Praticiens bloqués' });
    expect(await blocked.textContent()).toContain(NAME);
    expect(await sharedWithMe()).toEqual([]);
    await practitioner.getByText('Aucun patient ne partage de document avec vous pour l’instant.').waitFor();
  }, 120_000);

  it('sharing with the blocked practitioner is refused in French until the patient unblocks them', async () => {
    await choosePractitioner(patient, 'durand', NAME);
    await patient.getByLabel('Tout mon dossier, y compris les documents que j’ajouterai plus tard').check({ timeout: SLOW });
    await patient.getByRole('button', { name: 'Partager', exact: true }).click();
    await patient.getByRole('alert').filter({ hasText: 'Vous avez bloqué ce praticien. Débloquez-le d’abord pour partager avec lui.' }).waitFor({ timeout: SLOW });
    expect(await patient.locator('.share').count()).toBe(0);
    await patient.getByRole('region', { name: 'Praticiens bloqués' }).getByRole('button', { name: 'Débloquer' }).click();
    await patient.getByRole('status').filter({ hasText: 'Praticien débloqué.' }).waitFor({ timeout: SLOW });
    expect(await patient.getByRole('region', { name: 'Praticiens bloqués' }).count()).toBe(0);
    expect(await sharedWithMe()).toEqual([]);
  }, 120_000);

  it('ATK-34 leaves no canary in DATA_DIR, in what the server printed, nor in any request body', () => {
    expectNoCanaryLeaked({ server, canaries: CANARIES, sent: recording.sent });
    expect(recording.pageErrors).toEqual([]);
  });
});
