// Accessibility of every page of the web app in real Chromium, in French and in English, at desktop width
// and on a 360x740 phone: axe-core (WCAG 2.0 and 2.1, levels A and AA) finds no violation, nothing is wider
// than the screen, each page has one h1, <html lang> follows the chosen language, the document title names
// the page, errors are announced (role=alert) and every control reached by Tab shows where the focus is.
// One account, one page: the session lives in the page's memory, so logged-in pages are reached through
// the app's own links, never by reloading. The sharing pages are seen by a practitioner (sign-up, profile,
// fingerprint, "shared with me") and by the patient (search, fingerprint check, share form, shares). Then
// the second slice: the practitioner's "add a document" form, the patient's list with a document added by
// the practitioner, hidden ones and a document hidden from practitioners, blocking with its confirmation,
// and "Mes proches" (a record created, the vault switcher, an invitation code, a code refused, an accepted
// invitation with the fingerprint to compare and its dates, the co-managers). Last, sharing with a relative
// (a sharing code on "Partager", the code accepted in "Mes proches", the fingerprint to compare, the
// read-only form, and "Partagés avec moi" as a patient sees it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { en } from '../../client/locales/en.ts';
import { fr, type Messages } from '../../client/locales/fr.ts';
import { isValidRpps } from '../../shared/practitioners.ts';
import { axeViolations } from './axe.ts';
import { launchChromium, type Browser } from './browser.ts';
import { buildPdf, buildPng } from './fixtures.ts';
import { startWebServer, type WebServer } from './web-server.ts';

type Lang = 'fr' | 'en';
const MESSAGES: Record<Lang, Messages> = { fr, en };
const VIEWPORTS = [{ name: 'desktop', width: 1280, height: 800 }, { name: 'phone', width: 360, height: 740 }] as const;

// Argon2id (sign-up, log-in) takes 1-2 s, much more when the machine is busy with other tests.
const SLOW = 40_000;
const ACCOUNT = 'accessible@example.org';
const PASSWORD = 'une phrase de passe bien lisible';
// A PDF and an image, so that "Mes documents" shows both kinds of preview.
const FILES = [
  { name: 'ordonnance-janvier.pdf', mimeType: 'application/pdf', buffer: buildPdf() },
  { name: 'radio-du-genou.png', mimeType: 'image/png', buffer: buildPng(120, 80, 'genou') },
];
const PREVIEWED = { fr: { title: 'ordonnance-janvier', shown: '.preview canvas' }, en: { title: 'radio-du-genou', shown: '.preview img' } } as const;
// A practitioner, for the sharing pages: the patient above shares with them.
const PRACTITIONER = 'soignante@example.org';
const PRACTITIONER_NAME = 'Dr Jeanne Accessible';
const RPPS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((key) => `1002003004${key}`).find(isValidRpps) ?? '';
// A relative (another patient account) the patient shares with through a sharing code.
const RELATIVE = 'proche.accessible@example.org';

let server: WebServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startWebServer({ api: true });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (error) => { pageErrors.push(error.message); });
}, 120_000);

afterAll(async () => {
  await browser.close();
  await server.close();
});

/** What axe does not check: one h1 with the expected text, lang, a title naming the page, no sideways scroll. */
async function structureProblems(where: string, lang: Lang, heading: string): Promise<string[]> {
  const seen = await page.evaluate(() => ({
    headings: [...document.querySelectorAll('h1')].map((h1) => h1.textContent.trim()),
    lang: document.documentElement.lang,
    title: document.title,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  }));
  const problems: string[] = [];
  if (seen.headings.length !== 1 || seen.headings[0] !== heading) problems.push(`${where}: h1 ${JSON.stringify(seen.headings)}, expected ["${heading}"]`);
  if (seen.lang !== lang) problems.push(`${where}: <html lang="${seen.lang}">, expected "${lang}"`);
  if (!seen.title.startsWith(heading)) problems.push(`${where}: title "${seen.title}" does not name the page "${heading}"`);
  if (seen.overflow > 0) problems.push(`${where}: ${String(seen.overflow)} px wider than the screen`);
  return problems;
}

/** Moves the start of sequential focus to the top of the page: the next Tab reaches its first control. */
async function focusFromTop(): Promise<void> {
  await page.evaluate(() => {
    const start = document.createElement('span');
    start.id = 'a11y-test-start';
    start.tabIndex = -1;
    document.body.prepend(start);
    start.focus();
  });
}

/**
 * Tabs through the whole page from its top: every control reached must show a focus outline whose colour
 * stands out 3:1 from the background around it (WCAG 1.4.11).
 */
async function focusProblems(where: string): Promise<string[]> {
  await focusFromTop();
  const problems: string[] = [];
  const reached: string[] = [];
  for (let step = 0; step < 60; step += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      const seen = window as unknown as { a11yReached?: WeakSet<Element> };
      if (element === null || element === document.body || seen.a11yReached?.has(element) === true) return null;
      (seen.a11yReached ??= new WeakSet()).add(element);
      const luminance = (color: string) => {
        const [r = 0, g = 0, b = 0] = (color.match(/[\d.]+/g) ?? []).map(Number).map((value) => {
          const channel = value / 255;
          return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      let around = element.parentElement;
      while (around !== null && ['transparent', 'rgba(0, 0, 0, 0)'].includes(getComputedStyle(around).backgroundColor)) around = around.parentElement;
      const background = luminance(getComputedStyle(around ?? document.documentElement).backgroundColor);
      const style = getComputedStyle(element);
      const outline = luminance(style.outlineColor);
      const text = (element.getAttribute('aria-label') ?? element.textContent).trim().slice(0, 40);
      return {
        name: `${element.tagName.toLowerCase()}${element.id === '' ? '' : `#${element.id}`} "${text}"`,
        visible: style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
        contrast: (Math.max(outline, background) + 0.05) / (Math.min(outline, background) + 0.05),
      };
    });
    if (focused === null) break;
    reached.push(focused.name);
    if (!focused.visible) problems.push(`${where}: no visible focus on ${focused.name}`);
    else if (focused.contrast < 3) problems.push(`${where}: focus outline of ${focused.name} contrasts only ${focused.contrast.toFixed(2)}:1`);
  }
  await page.evaluate(() => {
    document.getElementById('a11y-test-start')?.remove();
    delete (window as unknown as { a11yReached?: WeakSet<Element> }).a11yReached;
  });
  if (reached.length < 3) problems.push(`${where}: Tab reaches only ${reached.join(', ')}`);
  return problems;
}

const titles: Record<Lang, Set<string>> = { fr: new Set(), en: new Set() };

/** The page now shown, audited in French then in English (its state stays: only the language changes). */
async function auditBoth(where: string, heading: keyof Messages): Promise<string[]> {
  const problems: string[] = [];
  for (const lang of ['fr', 'en'] as const) {
    await setLanguage(lang);
    problems.push(...await audit(where, lang, MESSAGES[lang][heading]));
  }
  await setLanguage('fr');
  return problems;
}

/** Logs out (if logged in) and in again as `accountId`, in French; waits for the landing page. */
async function switchAccount(accountId: string, landing: keyof Messages): Promise<void> {
  await setLanguage('fr');
  const logOut = page.getByRole('button', { name: fr.navLogOut });
  if (await logOut.count() > 0) await logOut.click();
  await navigate(fr.navLogIn);
  await page.getByLabel(fr.accountIdLabel).fill(accountId);
  await page.getByLabel(fr.passwordLabel).fill(PASSWORD);
  await page.getByRole('button', { name: fr.logInSubmit }).click();
  await page.getByRole('heading', { level: 1, name: fr[landing] }).waitFor({ timeout: SLOW });
}

/** Every check of the page now shown, at both widths; the heading is awaited first. */
async function audit(where: string, lang: Lang, heading: string): Promise<string[]> {
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor({ timeout: SLOW });
  // The document title follows the h1 in an effect, a moment after it is drawn.
  await page.waitForFunction((name) => document.title === name || document.title.startsWith(`${name} — `), heading, { timeout: SLOW });
  titles[lang].add(await page.title());
  const problems: string[] = [];
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    const label = `${where} (${lang}, ${viewport.name})`;
    problems.push(...await axeViolations(page, label), ...await structureProblems(label, lang, heading));
  }
  // The controls and their styles are the same in both languages: one walk, in French, is enough.
  if (lang === 'fr') problems.push(...await focusProblems(`${where} (${lang}, phone)`));
  return problems;
}

async function setLanguage(lang: Lang): Promise<void> {
  if (await page.evaluate(() => document.documentElement.lang) !== lang) await page.locator('.lang-switch').click();
  await page.waitForFunction((wanted) => document.documentElement.lang === wanted, lang);
}

async function navigate(name: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
}

async function announced(text: string): Promise<void> {
  await page.getByRole('alert').filter({ hasText: text }).waitFor({ timeout: SLOW });
}

describe('accessibility of the web app (axe-core, WCAG 2.1 AA)', () => {
  it('logged out, in French and in English: home, sign-up with an error, log-in, recovery, not found', async () => {
    const problems: string[] = [];
    for (const lang of ['fr', 'en'] as const) {
      const m = MESSAGES[lang];
      await page.goto(server.url);
      await setLanguage(lang);
      problems.push(...await audit('home', lang, m.title));
      await focusFromTop();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(m.skipToContent);
      expect(await page.locator('.skip-link').isVisible()).toBe(true);
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
      await navigate(m.navSignUp);
      await page.getByLabel(m.accountIdLabel).fill(ACCOUNT);
      await page.getByLabel(m.passwordLabel, { exact: true }).fill(PASSWORD);
      await page.getByLabel(m.passwordAgainLabel).fill(`${PASSWORD} !`);
      await page.getByRole('button', { name: m.signUpSubmit }).click();
      await announced(m.passwordMismatch);
      problems.push(...await audit('sign-up with an error', lang, m.signUpTitle));
      await navigate(m.navLogIn);
      problems.push(...await audit('log-in', lang, m.logInTitle));
      await page.getByRole('link', { name: m.forgotPassword }).click();
      problems.push(...await audit('recover', lang, m.recoverTitle));
      await page.goto(new URL('/nulle-part', server.url).href);
      await setLanguage(lang);
      problems.push(...await audit('not found', lang, m.notFoundTitle));
      expect(titles[lang].size, `titles in ${lang}: ${[...titles[lang]].join(' | ')}`).toBe(5);
    }
    expect(problems).toEqual([]);
  }, 90_000);

  it('signs up: the recovery words in French and in English, then a refused log-in is announced', async () => {
    const problems: string[] = [];
    await page.goto(new URL('/inscription', server.url).href);
    await page.getByLabel(fr.accountIdLabel).fill(ACCOUNT);
    await page.getByLabel(fr.passwordLabel, { exact: true }).fill(PASSWORD);
    await page.getByLabel(fr.passwordAgainLabel).fill(PASSWORD);
    await page.getByRole('button', { name: fr.signUpSubmit }).click();
    await page.getByTestId('recovery-words').waitFor({ timeout: SLOW });
    // The form that had the focus is gone: the focus is on the words' heading, read next by screen readers.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('recovery-title');
    problems.push(...await audit('recovery words', 'fr', fr.signUpTitle));
    await setLanguage('en');
    problems.push(...await audit('recovery words', 'en', en.signUpTitle));
    // The words stay French (the language chosen at sign-up) and say so to screen readers.
    expect(await page.getByTestId('recovery-words').getAttribute('lang')).toBe('fr');
    await page.getByRole('button', { name: en.recoveryConfirm }).click();
    await page.getByRole('heading', { level: 1, name: en.logInTitle }).waitFor();
    await page.getByLabel(en.accountIdLabel).fill(ACCOUNT);
    await page.getByLabel(en.passwordLabel).fill('not the right password');
    await page.getByRole('button', { name: en.logInSubmit }).click();
    await announced(en.errorWrongCredentials);
    problems.push(...await audit('log-in refused', 'en', en.logInTitle));
    expect(problems).toEqual([]);
  }, 90_000);

  it('logged in, in French and in English: documents (a PDF, then an image previewed), add documents, history, account with its errors', async () => {
    const problems: string[] = [];
    await page.getByLabel(en.passwordLabel).fill(PASSWORD);
    await page.getByRole('button', { name: en.logInSubmit }).click();
    await page.getByRole('heading', { level: 1, name: en.documentsTitle }).waitFor({ timeout: SLOW });
    for (const lang of ['fr', 'en'] as const) {
      const m = MESSAGES[lang];
      await setLanguage(lang);
      titles[lang].clear();
      await navigate(m.navAdd);
      await page.getByRole('button', { name: m.uploadSubmit }).click();
      await announced(m.noFiles);
      await page.getByLabel(m.filesLabel).setInputFiles(FILES);
      await page.locator('.file-row').nth(1).waitFor();
      expect(await page.getByRole('alert').filter({ hasText: m.noFiles }).count(), 'the error is gone once files are chosen').toBe(0);
      problems.push(...await audit('add documents with files', lang, m.addTitle));
      if (lang === 'fr') {
        await page.getByRole('button', { name: m.uploadSubmit }).click();
        await page.getByRole('status').filter({ hasText: m.uploadAllDone }).waitFor({ timeout: SLOW });
        problems.push(...await audit('add documents, sent', lang, m.addTitle));
      }
      await navigate(m.navDocuments);
      await page.locator('.documents .document-title').nth(1).waitFor({ timeout: SLOW });
      problems.push(...await audit('documents', lang, m.documentsTitle));
      const previewed = page.locator('.document').filter({ hasText: PREVIEWED[lang].title });
      await previewed.getByRole('button', { name: m.open, exact: true }).click();
      await previewed.locator(PREVIEWED[lang].shown).waitFor({ timeout: SLOW });
      problems.push(...await audit(`documents, ${PREVIEWED[lang].title} previewed`, lang, m.documentsTitle));
      await navigate(m.navHistory);
      await page.locator('table.history tbody tr').first().waitFor({ timeout: SLOW });
      problems.push(...await audit('history', lang, m.historyTitle));
      await navigate(m.navAccount);
      await page.getByLabel(m.currentPasswordLabel).fill(PASSWORD);
      await page.getByLabel(m.newPasswordLabel, { exact: true }).fill(`${PASSWORD} 2`);
      await page.getByLabel(m.newPasswordAgainLabel).fill(`${PASSWORD} 3`);
      await page.getByRole('button', { name: m.changePasswordSubmit }).click();
      await announced(m.passwordMismatch);
      await page.getByLabel(m.deleteAccountConfirmLabel).fill('quelqu.un@example.org');
      await page.getByLabel(m.deleteAccountPasswordLabel).fill(PASSWORD);
      await page.getByRole('button', { name: m.deleteAccountSubmit }).click();
      await announced(m.deleteAccountMismatch);
      problems.push(...await audit('account with both errors', lang, m.accountTitle));
      expect(titles[lang].size, `titles in ${lang}: ${[...titles[lang]].join(' | ')}`).toBe(4);
    }
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('sharing, in French and in English: a practitioner’s sign-up, profile with an RPPS error, fingerprint, and “shared with me” (empty)', async () => {
    const problems: string[] = [];
    await setLanguage('fr');
    await page.getByRole('button', { name: fr.navLogOut }).click();
    await navigate(fr.navSignUp);
    await page.getByLabel(fr.signUpRolePractitioner).check();
    await page.getByLabel(fr.accountIdLabel).fill(PRACTITIONER);
    await page.getByLabel(fr.passwordLabel, { exact: true }).fill(PASSWORD);
    await page.getByLabel(fr.passwordAgainLabel).fill(PASSWORD);
    problems.push(...await auditBoth('sign-up as a practitioner', 'signUpTitle'));
    await page.getByRole('button', { name: fr.signUpSubmit }).click();
    await page.getByRole('button', { name: fr.recoveryConfirm }).click({ timeout: SLOW });
    await switchAccount(PRACTITIONER, 'sharedTitle');
    await page.getByText(fr.sharedEmpty).waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('shared with me, empty', 'sharedTitle'));
    await navigate(fr.navProfile);
    await page.getByLabel(fr.profileNameLabel).fill(PRACTITIONER_NAME);
    await page.getByLabel(fr.profileRppsLabel).fill('12345678901');
    await page.getByLabel(fr.profilePlaceLabel).fill('Maison de santé, 1 place de la Mairie');
    await page.getByLabel(fr.profileCityLabel).fill('Nantes');
    await page.getByRole('button', { name: fr.profileSubmit }).click();
    await announced(fr.profileRppsInvalid);
    problems.push(...await auditBoth('practitioner profile with an RPPS error', 'profileTitle'));
    await page.getByLabel(fr.profileRppsLabel).fill(RPPS);
    await page.getByRole('button', { name: fr.profileSubmit }).click();
    await page.getByRole('status').filter({ hasText: fr.profilePublished }).waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('practitioner profile published', 'profileTitle'));
    await navigate(fr.navAccount);
    await page.locator('svg.qr-code').waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('practitioner account with fingerprint', 'accountTitle'));
    expect(problems).toEqual([]);
  }, 120_000);

  it('sharing, in French and in English: the patient’s search, fingerprint check, share form, shares with a revocation to confirm; then what the practitioner sees', async () => {
    const problems: string[] = [];
    await switchAccount(ACCOUNT, 'documentsTitle');
    await navigate(fr.navShare);
    await page.getByText(fr.sharesEmpty).waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('share, nothing shared yet', 'shareTitle'));
    await page.getByLabel(fr.shareSearchLabel).fill('nantes accessible');
    await page.getByRole('button', { name: fr.shareSearchSubmit }).click();
    await page.getByRole('button', { name: fr.shareChoose }).waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('share, search results', 'shareTitle'));
    await page.getByRole('button', { name: fr.shareChoose }).click();
    await page.locator('svg.qr-code').waitFor({ timeout: SLOW });
    await page.getByLabel(fr.shareWhatDocuments).check();
    problems.push(...await auditBoth('share, fingerprint and form', 'shareTitle'));
    await page.getByRole('button', { name: fr.shareVerify }).click();
    await page.getByRole('status').filter({ hasText: fr.shareVerified }).waitFor({ timeout: SLOW });
    await page.getByRole('button', { name: fr.shareSubmit, exact: true }).click();
    await announced(fr.shareNothingChosen);
    problems.push(...await auditBoth('share, verified, with an error', 'shareTitle'));
    await page.getByLabel(fr.shareWhatAll).check();
    await page.getByRole('button', { name: fr.shareSubmit, exact: true }).click();
    await page.getByRole('status').filter({ hasText: fr.shareDone }).waitFor({ timeout: SLOW });
    await page.getByRole('button', { name: fr.revoke }).click();
    problems.push(...await auditBoth('share, revocation to confirm', 'shareTitle'));
    await page.getByRole('button', { name: fr.revokeNo }).click();
    await navigate(fr.navHistory);
    await page.locator('table.history tbody tr').first().waitFor({ timeout: SLOW });
    await switchAccount(PRACTITIONER, 'sharedTitle');
    await page.locator('.shared-vault .document').nth(1).waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('shared with me, two documents', 'sharedTitle'));
    const previewed = page.locator('.shared-vault .document').filter({ hasText: PREVIEWED.en.title });
    await previewed.getByRole('button', { name: fr.open, exact: true }).click();
    await previewed.locator(PREVIEWED.en.shown).waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('shared with me, an image previewed', 'sharedTitle'));
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('contributions and hiding, in French and in English: the practitioner adds a document; the patient sees it, hides it, hides another from practitioners, and is asked to confirm a block', async () => {
    const problems: string[] = [];
    await page.getByRole('button', { name: fr.contributeOpen }).click();
    await page.getByLabel(fr.contributeFile).setInputFiles(FILES[0] ?? []);
    problems.push(...await auditBoth('shared with me, the add-a-document form', 'sharedTitle'));
    await page.getByRole('button', { name: fr.contributeSubmit }).click();
    await page.getByRole('status').filter({ hasText: fr.contributeDone }).waitFor({ timeout: SLOW });
    await switchAccount(ACCOUNT, 'documentsTitle');
    const added = page.locator('.document').filter({ has: page.locator('.added-by') });
    await added.waitFor({ timeout: SLOW });
    const other = page.locator('.document').filter({ hasText: PREVIEWED.en.title });
    await other.getByRole('button', { name: fr.hideFromPractitioners }).click();
    await page.getByRole('status').filter({ hasText: fr.hiddenFromPractitionersDone }).waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('documents, one added by a practitioner, one hidden from practitioners', 'documentsTitle'));
    await added.getByRole('button', { name: fr.hide, exact: true }).click();
    await page.getByRole('status').filter({ hasText: fr.hiddenDone }).waitFor({ timeout: SLOW });
    await page.getByRole('checkbox', { name: /^Afficher les documents masqués/ }).check();
    problems.push(...await auditBoth('documents, hidden ones shown', 'documentsTitle'));
    await navigate(fr.navShare);
    await page.getByRole('button', { name: fr.block }).click({ timeout: SLOW });
    problems.push(...await auditBoth('share, block to confirm', 'shareTitle'));
    await page.getByRole('button', { name: fr.blockYes }).click();
    await page.getByRole('status').filter({ hasText: fr.blocked }).waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('share, a blocked practitioner', 'shareTitle'));
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 240_000);

  it('relatives, in French and in English: a record created, the switcher, an invitation code, a refused code, an accepted invitation to compare, co-managers', async () => {
    const problems: string[] = [];
    await navigate(fr.navRelatives);
    await page.getByText(fr.relativesEmpty).waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('relatives, none yet', 'relativesTitle'));
    await page.getByLabel(fr.recordNameLabel).fill('Léa');
    await page.getByRole('button', { name: fr.recordCreate }).click();
    await page.getByRole('status').filter({ hasText: fr.recordCreated }).waitFor({ timeout: SLOW });
    await page.getByRole('button', { name: fr.inviteCreate }).click();
    const code = (await page.getByTestId('invite-code').textContent({ timeout: SLOW })) ?? '';
    problems.push(...await auditBoth('relatives, a record with its invitation code and the switcher', 'relativesTitle'));
    await switchAccount(PRACTITIONER, 'sharedTitle');
    await navigate(fr.navRelatives);
    await page.getByLabel(fr.joinCodeLabel).fill('coffre-sante:inv1:pas-un-code');
    await page.getByRole('button', { name: fr.joinSubmit }).click();
    await announced(fr.joinCodeInvalid);
    problems.push(...await auditBoth('relatives, a refused code', 'relativesTitle'));
    await page.getByLabel(fr.joinCodeLabel).fill(code);
    await page.getByRole('button', { name: fr.joinSubmit }).click();
    await page.getByRole('status').filter({ hasText: fr.joinDone }).waitFor({ timeout: SLOW });
    await switchAccount(ACCOUNT, 'documentsTitle');
    await navigate(fr.navRelatives);
    await page.getByRole('button', { name: fr.managerAdd }).waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('relatives, an accepted invitation to compare', 'relativesTitle'));
    await page.getByRole('button', { name: fr.managerAdd }).click();
    await page.getByRole('status').filter({ hasText: fr.managerAdded }).waitFor({ timeout: SLOW });
    await page.getByRole('button', { name: fr.managerRemove }).click();
    problems.push(...await auditBoth('relatives, two co-managers, a removal to confirm', 'relativesTitle'));
    await page.getByRole('button', { name: fr.revokeNo }).click();
    await page.getByLabel(fr.vaultSwitchLabel).selectOption({ label: 'Léa' });
    await page.getByRole('button', { name: fr.vaultSwitchSubmit, exact: true }).click();
    await navigate(fr.navDocuments);
    await page.getByText(fr.documentsEmpty).waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('documents of a relative’s record, empty', 'documentsTitle'));
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 300_000);

  it('sharing with a relative, in French and in English: a sharing code, the code accepted, the fingerprint to compare, the read-only form, and what the relative sees', async () => {
    const problems: string[] = [];
    await switchAccount(ACCOUNT, 'documentsTitle');
    await navigate(fr.navShare);
    await page.getByRole('button', { name: fr.shareCodeCreate }).click({ timeout: SLOW });
    const code = (await page.getByTestId('invite-code').textContent({ timeout: SLOW })) ?? '';
    problems.push(...await auditBoth('share, a sharing code for a relative', 'shareTitle'));
    await page.getByRole('button', { name: fr.navLogOut }).click();
    await navigate(fr.navSignUp);
    await page.getByLabel(fr.accountIdLabel).fill(RELATIVE);
    await page.getByLabel(fr.passwordLabel, { exact: true }).fill(PASSWORD);
    await page.getByLabel(fr.passwordAgainLabel).fill(PASSWORD);
    await page.getByRole('button', { name: fr.signUpSubmit }).click();
    await page.getByRole('button', { name: fr.recoveryConfirm }).click({ timeout: SLOW });
    await switchAccount(RELATIVE, 'documentsTitle');
    await navigate(fr.navRelatives);
    await page.getByLabel(fr.joinCodeLabel).fill(code);
    await page.getByRole('button', { name: fr.joinSubmit }).click();
    await page.getByRole('status').filter({ hasText: fr.joinShareDone.replace('{owner}', ACCOUNT) }).waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('relatives, a sharing code accepted', 'relativesTitle'));
    await switchAccount(ACCOUNT, 'documentsTitle');
    await navigate(fr.navShare);
    await page.getByRole('button', { name: fr.shareWithRelative }).waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('share, a used sharing code to compare', 'shareTitle'));
    await page.getByRole('button', { name: fr.shareWithRelative }).click();
    await page.getByText(fr.shareRelativeReadOnly).waitFor();
    problems.push(...await auditBoth('share, the read-only form for a relative', 'shareTitle'));
    await page.getByLabel(fr.shareWhatAll).check();
    await page.getByRole('button', { name: fr.shareSubmit, exact: true }).click();
    await page.getByRole('status').filter({ hasText: fr.shareDone }).waitFor({ timeout: SLOW });
    await switchAccount(RELATIVE, 'documentsTitle');
    await navigate(fr.navSharedWithMe);
    await page.locator('.shared-vault .document').first().waitFor({ timeout: SLOW });
    problems.push(...await auditBoth('shared with me, from a relative', 'sharedTitle'));
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
