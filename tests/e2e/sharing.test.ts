// Sharing with a practitioner in real Chromium, two browsers (a practitioner's and a patient's), through
// the built web app and the real server on a throwaway DATA_DIR. The practitioner signs up as such and
// publishes a directory profile (a wrong RPPS number is refused in French first); the patient adds
// documents in two categories, finds the practitioner, compares the fingerprint (the number and QR code
// the practitioner's own account page shows), shares one category until a date; the practitioner sees
// only that category and opens a document; the patient's history names the practitioner; a new version and
// a new document of the category reach the practitioner marked "nouveau"; after revocation the
// practitioner sees nothing and the server refuses the new version's bytes. A share ending tomorrow ends
// once the server restarts on the same DATA_DIR with its clock two days ahead (CLOCK_OFFSET_MS). Titles,
// file names and file bytes hold canaries that must appear nowhere in DATA_DIR, the server's output or
// any request body (ATK-34). Last, the practitioner re-creates their account: the patient's pinned key no
// longer matches and sharing is blocked by a warning until the new fingerprint is compared (ATK-03); then
// "Partager" on one document of the list shares that document alone.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Browser } from './browser.ts';
import { expectNoCanaryLeaked } from './canary-check.ts';
import { buildPdf, buildPng } from './fixtures.ts';
import { PASSWORD, SLOW, accessHistory, addDocuments, choosePractitioner, downloadFrom, localDate, logIn, navigate, openRecordedBrowsers, publishProfile, signUp, type Recording } from './flows.ts';
import { startRestartableServer, type RestartableServer } from './restartable-server.ts';
import { isValidRpps } from '../../shared/practitioners.ts';
import { REPO_ROOT } from '../paths.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const PRACTITIONER = 'dr.martin@example.org';
const PATIENT = 'patiente.partage@example.org';
const NAME = 'Dr Claire Martin';
const PLACE = 'Cabinet médical des Lilas, 12 rue des Lilas';
const canary = (label: string) => `CANARY-${label}-${randomBytes(6).toString('hex')}`;
const CANARIES = {
  labBody: canary('labbody'), labTitle: canary('labtitle'), labName: canary('labname'),
  imageBody: canary('imagebody'), imageTitle: canary('imagetitle'), imageName: canary('imagename'),
  lab2Body: canary('lab2body'), lab2Name: canary('lab2name'),
  lab3Body: canary('lab3body'), lab3Title: canary('lab3title'), lab3Name: canary('lab3name'),
};
const LAB = { name: `${CANARIES.labName}.pdf`, mimeType: 'application/pdf', buffer: buildPdf({ pages: 2, comment: CANARIES.labBody }) };
const IMAGE = { name: `${CANARIES.imageName}.png`, mimeType: 'image/png', buffer: buildPng(40, 30, CANARIES.imageBody) };
/** The new version of LAB. */
const LAB2 = { name: `${CANARIES.lab2Name}.pdf`, mimeType: 'application/pdf', buffer: buildPdf({ pages: 1, comment: CANARIES.lab2Body }) };
/** A new document of the shared category, added while the share lasts. */
const LAB3 = { name: `${CANARIES.lab3Name}.pdf`, mimeType: 'application/pdf', buffer: buildPdf({ pages: 1, comment: CANARIES.lab3Body }) };
const LAB_TITLE = `Bilan sanguin ${CANARIES.labTitle}`;
const IMAGE_TITLE = `Radio du genou ${CANARIES.imageTitle}`;
const LAB3_TITLE = `Ferritine ${CANARIES.lab3Title}`;

/** An RPPS number with a valid Luhn key, and the same with a wrong key. */
function rppsNumbers(): { valid: string; invalid: string } {
  for (let key = 0; key < 10; key += 1) {
    const candidate = `1009876543${String(key)}`;
    if (isValidRpps(candidate)) return { valid: candidate, invalid: `1009876543${String((key + 1) % 10)}` };
  }
  throw new Error('no Luhn key found');
}
const RPPS = rppsNumbers();

let server: RestartableServer;
let practitionerBrowser: Browser;
let patientBrowser: Browser;
let practitioner: Page;
let patient: Page;
const recording: Recording = { sent: [], pageErrors: [] };
/** Payload paths the practitioner's browser read, to ask for again once the share is gone. */
const practitionerPayloads = new Set<string>();

beforeAll(async () => {
  server = await startRestartableServer();
  const opened = await openRecordedBrowsers(['practitioner', 'patient'], server.url, recording);
  ({ browser: practitionerBrowser, page: practitioner } = opened.practitioner);
  ({ browser: patientBrowser, page: patient } = opened.patient);
  // Payloads are read only once logged in: recording them from here misses none.
  practitionerBrowser.context.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith('/payload')) practitionerPayloads.add(path);
  });
}, 120_000);

afterAll(async () => {
  await practitionerBrowser.close();
  await patientBrowser.close();
  await server.close();
});

/** The documents under "Partagés avec moi", as title (with its "nouveau" marker) and category. */
async function sharedWithMe(): Promise<{ title: string; tag: string }[]> {
  await navigate(practitioner, 'Mon compte');
  await practitioner.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor();
  await navigate(practitioner, 'Partagés avec moi');
  await practitioner.locator('.shared-vault, p:has-text("Aucun patient ne partage")').first().waitFor({ timeout: SLOW });
  return practitioner.locator('.shared-vault .document').evaluateAll((items) => items.map((item) => ({
    title: item.querySelector('.document-title')?.textContent ?? '',
    tag: item.querySelector('.tag')?.textContent ?? '',
  })));
}

function sharedItem(title: string): Locator {
  return practitioner.locator('.shared-vault .document').filter({ hasText: title });
}

/** On the patient's "Partager" page (reached by the menu unless already there): search, choose the practitioner, and return the fingerprint shown. */
async function pickPractitioner(viaMenu = true): Promise<{ number: string; qr: string | null }> {
  if (viaMenu) await navigate(patient, 'Partager');
  await choosePractitioner(patient, 'martin LYON', NAME);
  return {
    number: (await patient.getByTestId('fingerprint-number').textContent()) ?? '',
    qr: await patient.locator('svg.qr-code').getAttribute('data-qr-payload'),
  };
}

async function payloadStatus(path: string): Promise<number> {
  return practitioner.evaluate(async (url) => (await fetch(url, { credentials: 'same-origin' })).status, path);
}

let ownFingerprint: { number: string; qr: string | null };

describe('sharing with a practitioner, in two Chromium browsers', () => {
  it('a practitioner signs up, publishes a profile (a wrong RPPS refused in French) and shows their fingerprint', async () => {
    await signUp(practitioner, PRACTITIONER, true);
    await logIn(practitioner, PRACTITIONER, 'Partagés avec moi');
    await practitioner.getByText('Aucun patient ne partage de document avec vous pour l’instant.').waitFor({ timeout: SLOW });
    await navigate(practitioner, 'Mon profil professionnel');
    await practitioner.getByText('Votre profil n’est pas encore publié').waitFor({ timeout: SLOW });
    await practitioner.getByLabel('Nom affiché').fill(NAME);
    await practitioner.getByLabel('Profession').selectOption('medecin-generaliste');
    await practitioner.getByLabel('Numéro RPPS').fill(RPPS.invalid);
    await practitioner.getByLabel('Lieu d’exercice').fill(PLACE);
    await practitioner.getByLabel('Ville').fill('Lyon');
    await practitioner.getByRole('button', { name: 'Publier mon profil' }).click();
    await practitioner.getByRole('alert').filter({ hasText: 'Ce numéro RPPS n’est pas valide' }).waitFor();
    await practitioner.getByLabel('Numéro RPPS').fill(RPPS.valid);
    await practitioner.getByRole('button', { name: 'Publier mon profil' }).click();
    await practitioner.getByRole('status').filter({ hasText: 'Votre profil est publié dans l’annuaire.' }).waitFor({ timeout: SLOW });
    expect(await practitioner.getByRole('alert').count()).toBe(0);
    await navigate(practitioner, 'Mon compte');
    await practitioner.getByRole('heading', { name: 'Empreinte de ma clé' }).waitFor();
    const number = practitioner.getByTestId('fingerprint-number');
    await number.waitFor({ timeout: SLOW });
    ownFingerprint = { number: (await number.textContent()) ?? '', qr: await practitioner.locator('svg.qr-code').getAttribute('data-qr-payload') };
    expect(ownFingerprint.number).toMatch(/^\d{5}( \d{5}){7}$/);
    expect(ownFingerprint.qr).toMatch(/^coffre-sante:fp1:[A-Za-z0-9_-]{43}$/);
    expect(await practitioner.locator('svg.qr-code path').getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);
  }, 120_000);

  it('a patient signs up and adds documents in two categories', async () => {
    await signUp(patient, PATIENT, false);
    await logIn(patient, PATIENT, 'Mes documents');
    await addDocuments(patient, [{ file: LAB, title: LAB_TITLE, category: '11502-2' }, { file: IMAGE, title: IMAGE_TITLE, category: '18748-4' }]);
  }, 120_000);

  it('the patient finds the practitioner, sees the same fingerprint, verifies it and shares one category until a date', async () => {
    const shown = await pickPractitioner();
    expect(shown).toEqual(ownFingerprint);
    expect(await patient.getByText('Empreinte pas encore vérifiée').count()).toBe(1);
    await patient.getByRole('button', { name: 'J’ai vérifié avec le praticien' }).click();
    await patient.getByRole('status').filter({ hasText: 'Empreinte vérifiée avec le praticien.' }).waitFor({ timeout: SLOW });
    await patient.getByLabel('Une ou plusieurs catégories').check();
    await patient.getByRole('group', { name: 'Catégories partagées' }).getByLabel('Biologie').check();
    await patient.getByLabel('Fin de la prise en charge (facultatif)').fill(localDate(30));
    await patient.getByRole('button', { name: 'Partager', exact: true }).click();
    await patient.getByRole('status').filter({ hasText: 'Partage enregistré.' }).waitFor({ timeout: SLOW });
    const share = patient.locator('.share').filter({ hasText: NAME });
    await share.waitFor({ timeout: SLOW });
    const text = await share.textContent();
    expect(text).toContain('Catégories : Biologie');
    expect(text).toContain('Vérifiée');
  }, 120_000);

  it('the practitioner sees only that category, marked new, and opens and downloads the document', async () => {
    expect(await sharedWithMe()).toEqual([{ title: `${LAB_TITLE} nouveau`, tag: 'Biologie' }]);
    expect(await practitioner.getByRole('heading', { name: `Patient : ${PATIENT}` }).count()).toBe(1);
    expect(await practitioner.locator('.shared-vault .hint').textContent()).toMatch(/^Partage jusqu’au /);
    const item = sharedItem(LAB_TITLE);
    await item.getByRole('button', { name: 'Ouvrir' }).click();
    await item.getByRole('heading', { name: `Aperçu de « ${LAB_TITLE} »` }).waitFor({ timeout: SLOW });
    await item.locator('.preview canvas').waitFor({ timeout: SLOW });
    await item.getByRole('button', { name: 'Fermer l’aperçu' }).click();
    const file = await downloadFrom(practitioner, item);
    expect(file.name).toBe(LAB.name);
    expect(Buffer.compare(file.bytes, LAB.buffer)).toBe(0);
    expect(practitionerPayloads.size).toBe(1);
  }, 120_000);

  it('the patient’s access history names the practitioner who read the document', async () => {
    const cells = await accessHistory(patient);
    expect(cells).toContainEqual([NAME, 'Contenu téléchargé', LAB_TITLE]);
    expect(cells.some(([who, , what]) => who === NAME && what === IMAGE_TITLE)).toBe(false);
  }, 60_000);

  it('a new version and a new document of the category reach the practitioner, marked new', async () => {
    await navigate(patient, 'Mes documents');
    const item = patient.locator('.document').filter({ hasText: LAB_TITLE });
    await item.waitFor({ timeout: SLOW });
    await item.getByLabel('Fichier de la nouvelle version').setInputFiles(LAB2);
    await patient.getByText('Nouvelle version enregistrée.').waitFor({ timeout: SLOW });
    await addDocuments(patient, [{ file: LAB3, title: LAB3_TITLE, category: '11502-2' }]);

    const listed = await sharedWithMe();
    expect(listed.map((entry) => entry.title).sort()).toEqual([`${LAB3_TITLE} nouveau`, `${LAB_TITLE} nouveau`].sort());
    expect(await sharedItem(LAB_TITLE).locator('.document-meta').textContent()).toContain('Version 2');
    const file = await downloadFrom(practitioner, sharedItem(LAB_TITLE));
    expect(file.name).toBe(LAB2.name);
    expect(Buffer.compare(file.bytes, LAB2.buffer)).toBe(0);
    expect(await sharedItem(LAB_TITLE).locator('.new-marker').count()).toBe(0);
    expect(practitionerPayloads.size).toBe(2);
  }, 120_000);

  it('the patient revokes after a confirmation that says what cannot be recalled; the practitioner then sees and reads nothing', async () => {
    await navigate(patient, 'Partager');
    const share = patient.locator('.share').filter({ hasText: NAME });
    await share.getByRole('button', { name: 'Révoquer' }).click({ timeout: SLOW });
    const warning = await share.locator('.confirm').textContent();
    expect(warning).toContain(`Révoquer le partage avec ${NAME} ?`);
    expect(warning).toContain('déjà téléchargés ou imprimés ne peuvent pas être rappelés');
    expect(warning).toContain('c’est le serveur qui applique cette règle');
    await share.getByRole('button', { name: 'Oui, révoquer' }).click();
    await patient.getByRole('status').filter({ hasText: 'Partage révoqué.' }).waitFor({ timeout: SLOW });
    await patient.getByText('Vous ne partagez aucun document pour l’instant.').waitFor({ timeout: SLOW });

    expect(await sharedWithMe()).toEqual([]);
    await practitioner.getByText('Aucun patient ne partage de document avec vous pour l’instant.').waitFor();
    for (const path of practitionerPayloads) expect(await payloadStatus(path), path).toBe(404);
  }, 120_000);

  it('a share ending tomorrow ends when the server, restarted on the same DATA_DIR, runs two days ahead', async () => {
    const shown = await pickPractitioner();
    expect(shown).toEqual(ownFingerprint);
    await patient.getByRole('status').filter({ hasText: 'Empreinte vérifiée avec le praticien.' }).waitFor();
    await patient.getByLabel('Tout mon dossier').check();
    await patient.getByLabel('Fin de la prise en charge (facultatif)').fill(localDate(1));
    await patient.getByRole('button', { name: 'Partager', exact: true }).click();
    await patient.getByRole('status').filter({ hasText: 'Partage enregistré.' }).waitFor({ timeout: SLOW });
    expect((await sharedWithMe()).map((entry) => entry.title.replace(/ nouveau$/, '')).sort()).toEqual([IMAGE_TITLE, LAB3_TITLE, LAB_TITLE].sort());

    await server.restart({ CLOCK_OFFSET_MS: String(2 * DAY_MS) });
    await practitioner.goto(new URL('/connexion', server.url).href);
    await logIn(practitioner, PRACTITIONER, 'Partagés avec moi');
    await practitioner.getByText('Aucun patient ne partage de document avec vous pour l’instant.').waitFor({ timeout: SLOW });
    for (const path of practitionerPayloads) expect(await payloadStatus(path), path).toBe(404);
  }, 180_000);

  it('ATK-03 when the practitioner’s key changed (account re-created), the patient is blocked by a warning until they compare again', async () => {
    await navigate(practitioner, 'Mon compte');
    await practitioner.getByLabel('Pour confirmer, tapez votre identifiant').fill(PRACTITIONER);
    await practitioner.getByLabel('Votre mot de passe').fill(PASSWORD);
    await practitioner.getByRole('button', { name: 'Supprimer définitivement mon compte et mes documents' }).click();
    await practitioner.getByText('Votre compte et tous vos documents ont été supprimés.').waitFor({ timeout: SLOW });
    await signUp(practitioner, PRACTITIONER, true);
    await logIn(practitioner, PRACTITIONER, 'Partagés avec moi');
    await publishProfile(practitioner, { name: NAME, rpps: RPPS.valid, place: PLACE, city: 'Lyon' });

    // The patient's session ended with the server's clock moved on: log in again (the pins stay in this browser).
    await patient.goto(new URL('/connexion', server.url).href);
    await logIn(patient, PATIENT, 'Mes documents');
    const shown = await pickPractitioner();
    expect(shown.number).not.toBe(ownFingerprint.number);
    await patient.getByRole('alert').filter({ hasText: 'La clé de ce praticien a changé depuis votre dernière vérification.' }).waitFor();
    expect(await patient.getByRole('button', { name: 'Partager', exact: true }).count()).toBe(0);
    await patient.getByRole('button', { name: 'J’ai vérifié la nouvelle empreinte avec le praticien' }).click();
    await patient.getByRole('status').filter({ hasText: 'Empreinte vérifiée avec le praticien.' }).waitFor({ timeout: SLOW });
    expect(await patient.getByRole('alert').count()).toBe(0);
    expect(await patient.getByRole('button', { name: 'Partager', exact: true }).count()).toBe(1);
  }, 180_000);

  it('“Partager” on one document of the list shares that document only', async () => {
    await navigate(patient, 'Mes documents');
    const item = patient.locator('.document').filter({ hasText: IMAGE_TITLE });
    await item.getByRole('link', { name: 'Partager' }).click({ timeout: SLOW });
    await patient.getByRole('heading', { level: 1, name: 'Partager mes documents' }).waitFor();
    await pickPractitioner(false);
    await patient.getByRole('status').filter({ hasText: 'Empreinte vérifiée avec le praticien.' }).waitFor();
    expect(await patient.getByLabel('Des documents choisis').isChecked()).toBe(true);
    const chosen = patient.getByRole('group', { name: 'Documents partagés' });
    expect(await chosen.getByLabel(IMAGE_TITLE).isChecked()).toBe(true);
    expect(await chosen.getByLabel(LAB_TITLE).isChecked()).toBe(false);
    await patient.getByRole('button', { name: 'Partager', exact: true }).click();
    await patient.getByRole('status').filter({ hasText: 'Partage enregistré.' }).waitFor({ timeout: SLOW });
    expect(await patient.locator('.share').filter({ hasText: NAME }).first().textContent()).toContain('Documents choisis (1)');

    expect(await sharedWithMe()).toEqual([{ title: `${IMAGE_TITLE} nouveau`, tag: 'Imagerie' }]);
    expect(await practitioner.locator('.shared-vault .hint').textContent()).toBe('Partage sans date de fin');
  }, 120_000);

  it('ATK-34 leaves no canary in DATA_DIR, in what either server run printed, nor in any request body', () => {
    expect(server.output().match(/Coffre santé : http/g)).toHaveLength(2);
    expectNoCanaryLeaked({ server, canaries: CANARIES, sent: recording.sent });
    expect(recording.pageErrors).toEqual([]);
  });

  it('ATK-34 passes vault-audit, run as an auditor runs it, over DATA_DIR and both server runs\' output: every share verified, no canary', async () => {
    const work = mkdtempSync(join(tmpdir(), 'e2e-share-audit-'));
    try {
      const log = join(work, 'server.log');
      writeFileSync(log, server.output());
      const canaries = Object.values(CANARIES).flatMap((value) => ['--canary', value]);
      // As of the server's clock, two days ahead since the restart: its reads are not "in the future".
      // Exit status 1 rejects: its JSON report still says which findings, so the failure names them.
      const stdout = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/audit/main.ts', '--data', server.dataDir, '--logs', log, ...canaries, '--now', String(Date.now() + 2 * DAY_MS), '--json'], { cwd: REPO_ROOT })
        .then((result) => result.stdout, (error: unknown) => (error as { stdout?: string }).stdout ?? '');
      const report = JSON.parse(stdout) as { errors: number; findings: { severity: string; code: string; where: string }[]; canaries: { count: number; hits: number }; tables: { name: string; rows: number }[] };
      expect(report.findings.filter((finding) => finding.severity === 'ERROR')).toEqual([]);
      expect(report.canaries).toMatchObject({ count: Object.keys(CANARIES).length, hits: 0 });
      const rows = (name: string) => report.tables.find((table) => table.name === name)?.rows ?? 0;
      expect(rows('grants')).toBeGreaterThan(0);
      expect(rows('grant_wraps')).toBeGreaterThan(0);
      expect(rows('practitioner_profiles')).toBeGreaterThan(0);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);
});
