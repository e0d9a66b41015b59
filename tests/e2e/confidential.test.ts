// A teenager's confidential document in real Chromium, three browsers (a parent, the teenager, a
// practitioner), through the built web app and the real server on a throwaway DATA_DIR. The parent creates
// the teenager's record, adds an ordinary document to it and makes the teenager, who has their own patient
// account, a co-manager (invitation code, fingerprint compared). The teenager sees the ordinary document,
// then adds one on the record's "Ajouter des documents" choosing "Moi seul·e" (the record, readable by every
// co-manager, is the default): it goes to the teenager's own vault, encrypted for their keys alone, and they
// share it with a practitioner, who downloads the same bytes. The parent's browser, recorded from its first
// request, never asked for nor received the document's id: it was kept from them by encryption, not hidden
// by the server. The record's name, titles, file names and bytes hold canaries that must appear nowhere in
// DATA_DIR, the server's output or any request body (ATK-34), and vault-audit passes over DATA_DIR.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './axe.ts';
import type { Browser } from './browser.ts';
import { expectNoCanaryLeaked } from './canary-check.ts';
import { buildPdf } from './fixtures.ts';
import { SLOW, addDocuments, choosePractitioner, documentsOf, done, downloadFrom, navigate, openRecordedBrowsers, publishProfile, signUpAndLogIn, type Recording } from './flows.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import { isValidRpps } from '../../shared/practitioners.ts';
import { REPO_ROOT } from '../paths.ts';

const PARENT = 'maman.conf@example.org';
const TEEN = 'lea.conf@example.org';
const DOCTOR = 'dr.confiance@example.org';
const DOCTOR_NAME = 'Dr Paul Confiance';
const RPPS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((key) => `1003344556${key}`).find(isValidRpps) ?? '';
const canary = (label: string) => `CANARY-${label}-${randomBytes(6).toString('hex')}`;
const CANARIES = {
  child: canary('child'),
  ordinaryBody: canary('ordinarybody'), ordinaryTitle: canary('ordinarytitle'), ordinaryName: canary('ordinaryname'),
  secretBody: canary('secretbody'), secretTitle: canary('secrettitle'), secretName: canary('secretname'),
};
const CHILD = `Léa ${CANARIES.child}`;
const ORDINARY = { name: `${CANARIES.ordinaryName}.pdf`, mimeType: 'application/pdf', buffer: buildPdf({ pages: 1, comment: CANARIES.ordinaryBody }) };
const ORDINARY_TITLE = `Carnet de vaccination ${CANARIES.ordinaryTitle}`;
const SECRET = { name: `${CANARIES.secretName}.pdf`, mimeType: 'application/pdf', buffer: buildPdf({ pages: 2, comment: CANARIES.secretBody }) };
const SECRET_TITLE = `Consultation contraception ${CANARIES.secretTitle}`;
const FOR_RECORD = `Toutes les personnes qui gèrent le dossier de ${CHILD}`;
const CONFIDENTIAL = 'Moi seul·e, puis les soignants avec qui je le partagerai (document confidentiel)';

let server: ServerProcess;
let parentBrowser: Browser;
let teenBrowser: Browser;
let doctorBrowser: Browser;
let parent: Page;
let teen: Page;
let doctor: Page;
const recording: Recording = { sent: [], pageErrors: [] };
/** Every request the parent's browser made (pages and Worker): its URL, query included, and its body. */
const parentRequests: { url: string; body: Buffer }[] = [];
/** Every response the parent's browser received; `body` null where Chromium kept none, with the size it had. */
const parentBodies: Promise<{ url: string; status: number; body: Buffer | null; size: number }>[] = [];

beforeAll(async () => {
  server = await startServerProcess();
  const opened = await openRecordedBrowsers(['parent', 'teen', 'doctor'], server.url, recording);
  ({ browser: parentBrowser, page: parent } = opened.parent);
  ({ browser: teenBrowser, page: teen } = opened.teen);
  ({ browser: doctorBrowser, page: doctor } = opened.doctor);
  // Only the app's first page load came before: the document does not exist yet.
  parentBrowser.context.on('request', (request) => { parentRequests.push({ url: request.url(), body: request.postDataBuffer() ?? Buffer.alloc(0) }); });
  parentBrowser.context.on('response', (response) => {
    const seen = { url: response.url(), status: response.status() };
    parentBodies.push(response.body().then(
      (body) => ({ ...seen, body, size: body.length }),
      async () => ({ ...seen, body: null, size: (await response.request().sizes()).responseBodySize }),
    ));
  });
}, 120_000);

afterAll(async () => {
  await parentBrowser.close();
  await teenBrowser.close();
  await doctorBrowser.close();
  await server.close();
});

/** The record's section on "Mes proches", opened afresh (from another page) so it reads invitations again. */
async function recordSection(page: Page) {
  await navigate(page, 'Mon compte');
  await page.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor({ timeout: SLOW });
  await navigate(page, 'Mes proches');
  const section = page.getByRole('region', { name: CHILD });
  await section.waitFor({ timeout: SLOW });
  return section;
}

let secretId = '';
let ordinaryId = '';

describe('a teenager’s confidential document, kept from their parent by encryption, in three Chromium browsers', () => {
  it('the parent creates the record with an ordinary document; the teenager joins and is added as co-manager after the fingerprint check', async () => {
    await signUpAndLogIn(parent, PARENT);
    await navigate(parent, 'Mes proches');
    await parent.getByLabel('Nom du proche').fill(CHILD);
    await parent.getByRole('button', { name: 'Créer le dossier' }).click();
    await done(parent, 'Dossier créé.');
    // Nothing chosen in the new fieldset: the document goes to the record, as before it existed.
    expect(await documentsOf(parent, CHILD)).toEqual([]);
    await addDocuments(parent, [{ file: ORDINARY, title: ORDINARY_TITLE, category: '11369-6' }]);
    expect(await documentsOf(parent, CHILD)).toEqual([ORDINARY_TITLE]);
    const share = await parent.locator('.document').filter({ hasText: ORDINARY_TITLE }).getByRole('link', { name: 'Partager' }).getAttribute('href');
    ordinaryId = new URL(share ?? '', server.url).searchParams.get('documents') ?? '';
    expect(ordinaryId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const section = await recordSection(parent);
    await section.getByRole('button', { name: 'Créer un code d’invitation' }).click();
    const code = (await section.getByTestId('invite-code').textContent({ timeout: SLOW })) ?? '';
    expect(code).toMatch(/^coffre-sante:inv1:/);

    await signUpAndLogIn(teen, TEEN);
    await navigate(teen, 'Mes proches');
    await teen.getByLabel('Code d’invitation').fill(code);
    await teen.getByRole('button', { name: 'Rejoindre' }).click();
    await done(teen, 'Invitation acceptée.');
    await navigate(teen, 'Mon compte');
    const fingerprint = (await teen.getByTestId('fingerprint-number').textContent({ timeout: SLOW })) ?? '';
    expect(fingerprint).toMatch(/^\d{5}( \d{5}){7}$/);

    const invite = (await recordSection(parent)).locator('.invite').filter({ hasText: `${TEEN} a utilisé le code` });
    expect(await invite.getByTestId('fingerprint-number').textContent({ timeout: SLOW })).toBe(fingerprint);
    await invite.getByRole('button', { name: 'Ajouter comme co-gestionnaire' }).click();
    await done(parent, 'Co-gestionnaire ajouté.');
  }, 150_000);

  it('on the record, the teenager sees the ordinary document; the add page offers the record by default, with the hint, and axe finds no violation', async () => {
    await recordSection(teen);
    expect(await documentsOf(teen, CHILD)).toEqual([ORDINARY_TITLE]);
    await navigate(teen, 'Ajouter des documents');
    await teen.getByRole('heading', { level: 1, name: 'Ajouter des documents' }).waitFor({ timeout: SLOW });
    const readers = teen.getByRole('group', { name: 'Qui pourra lire ces documents ?' });
    expect(await readers.getByLabel(FOR_RECORD).isChecked()).toBe(true);
    expect(await readers.getByLabel(CONFIDENTIAL).isChecked()).toBe(false);
    expect(await readers.locator('.hint').textContent()).toBe(`Un document confidentiel est chiffré pour vous seul·e et rangé dans votre coffre personnel, pas dans le dossier de ${CHILD} : les autres personnes qui gèrent ce dossier, par exemple vos parents, ne peuvent ni le lire ni voir qu’il existe. Vous choisissez ensuite les soignants avec qui le partager.`);
    expect(await axeViolations(teen, 'Ajouter des documents, dossier d’un proche')).toEqual([]);
  }, 60_000);

  it('the teenager adds a confidential document, then shares it, from their own vault, with a practitioner who downloads the same bytes', async () => {
    await teen.getByLabel('Fichiers').setInputFiles([SECRET]);
    await teen.locator('.file-row').getByLabel('Titre').fill(SECRET_TITLE);
    await teen.getByLabel(CONFIDENTIAL).check();
    await teen.getByRole('button', { name: 'Chiffrer et envoyer' }).click();
    await done(teen, 'Document confidentiel ajouté à votre coffre personnel : vous seul·e pouvez le lire.');
    await teen.getByRole('button', { name: 'Le partager avec un soignant' }).click();
    await teen.getByRole('heading', { level: 1, name: 'Partager mes documents' }).waitFor({ timeout: SLOW });
    secretId = new URL(teen.url()).searchParams.get('documents') ?? '';
    expect(secretId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await teen.getByLabel('Dossier affiché').locator('option:checked').textContent()).toBe('Mon dossier');

    await signUpAndLogIn(doctor, DOCTOR, true);
    await publishProfile(doctor, { name: DOCTOR_NAME, rpps: RPPS, place: 'Maison de santé des Dunes', city: 'Nantes' });
    await choosePractitioner(teen, 'confiance nantes', DOCTOR_NAME);
    await teen.getByRole('button', { name: 'J’ai vérifié avec le praticien' }).click();
    await done(teen, 'Empreinte vérifiée avec le praticien.');
    expect(await teen.getByLabel('Des documents choisis').isChecked()).toBe(true);
    expect(await teen.getByRole('group', { name: 'Documents partagés' }).getByLabel(SECRET_TITLE).isChecked()).toBe(true);
    await teen.getByRole('button', { name: 'Partager', exact: true }).click();
    await done(teen, 'Partage enregistré.');
    expect(await teen.locator('.share').filter({ hasText: DOCTOR_NAME }).textContent()).toContain('Documents choisis (1)');

    await navigate(doctor, 'Mon compte');
    await doctor.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor({ timeout: SLOW });
    await navigate(doctor, 'Partagés avec moi');
    const vault = doctor.locator('.shared-vault').filter({ has: doctor.getByRole('heading', { name: `Patient : ${TEEN}` }) });
    await vault.or(doctor.getByRole('alert')).first().waitFor({ timeout: SLOW });
    expect(await doctor.getByRole('alert').allTextContents()).toEqual([]);
    expect(await vault.locator('.document .document-title').allTextContents()).toEqual([`${SECRET_TITLE} nouveau`]);
    const file = await downloadFrom(doctor, vault.locator('.document').filter({ hasText: SECRET_TITLE }));
    expect(file.name).toBe(SECRET.name);
    expect(Buffer.compare(file.bytes, SECRET.buffer)).toBe(0);
  }, 150_000);

  it('the parent lists only the ordinary document, and their browser never requested nor received the confidential one’s id', async () => {
    await navigate(parent, 'Mon compte');
    await parent.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor({ timeout: SLOW });
    expect(await documentsOf(parent, CHILD)).toEqual([ORDINARY_TITLE]);
    expect(await documentsOf(parent, 'Mon dossier')).toEqual([]);

    const received = await Promise.all(parentBodies);
    // The recording saw the record's traffic: the ordinary document's id went by, in URLs and in answers.
    expect(parentRequests.some(({ url }) => url.includes(ordinaryId))).toBe(true);
    expect(received.some(({ body }) => body?.includes(ordinaryId) === true)).toBe(true);
    expect(parentRequests.filter(({ url, body }) => url.includes(secretId) || body.includes(secretId)).map(({ url }) => url)).toEqual([]);
    expect(received.filter(({ body }) => body?.includes(secretId) === true).map(({ url }) => url)).toEqual([]);
    // A body Chromium did not keep is one with nothing in it (a 201 or 204 with no body).
    expect(received.filter(({ body, size }) => body === null && size > 0).map(({ url, status, size }) => `${String(status)} ${String(size)} B ${url}`)).toEqual([]);

    // The teenager, back on their own vault, has it in "Mes documents".
    expect(await documentsOf(teen, 'Mon dossier')).toEqual([SECRET_TITLE]);
    expect(await documentsOf(teen, CHILD)).toEqual([ORDINARY_TITLE]);
  }, 90_000);

  it('ATK-34 leaves no canary (the record’s name included) in DATA_DIR, in what the server printed, nor in any request body', () => {
    expectNoCanaryLeaked({ server, canaries: CANARIES, sent: recording.sent });
    expect(recording.pageErrors).toEqual([]);
  });

  it('ATK-34 vault-audit over DATA_DIR and the server’s output exits 0: every signature and share verified, no canary', async () => {
    const work = mkdtempSync(join(tmpdir(), 'e2e-confidential-audit-'));
    try {
      const log = join(work, 'server.log');
      writeFileSync(log, server.output());
      const canaries = Object.values(CANARIES).flatMap((value) => ['--canary', value]);
      const run = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/audit/main.ts', '--data', server.dataDir, '--logs', log, ...canaries, '--json'], { cwd: REPO_ROOT })
        .then(({ stdout }) => ({ code: 0, stdout }), (error: unknown) => ({ code: (error as { code?: unknown }).code, stdout: (error as { stdout?: string }).stdout ?? '' }));
      const report = JSON.parse(run.stdout) as { findings: { severity: string; code: string; where: string }[]; canaries: { count: number; hits: number }; tables: { name: string; rows: number }[] };
      expect(report.findings.filter((finding) => finding.severity === 'ERROR')).toEqual([]);
      expect(run.code).toBe(0);
      expect(report.canaries).toMatchObject({ count: Object.keys(CANARIES).length, hits: 0 });
      expect(report.tables.find((table) => table.name === 'grants')?.rows).toBeGreaterThan(0);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);
});
