// The web app bench's fixture: the built web app and the real API on a throwaway DATA_DIR (the e2e
// server), Debian's Chromium driven over a DevTools pipe, and a patient signed up and logged in through
// the pages. The actions the bench times are here too, each driving the web app as a patient would.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebServer, type WebServer } from '../../e2e/web-server.ts';
import { CdpBrowser } from './cdp-pipe.ts';
import { clickDownload, clickText, clickUntilText, fillLabel, rawDownload, rawUpload, waitForText as waitForTextInPage } from './page-side.ts';

const PASSWORD = 'une phrase de passe pour le banc d’essai';
const RAW_INPUT_ID = 'bench-raw-file';
const STEP_MS = 60_000;

export interface WebAppSession {
  browser: CdpBrowser;
  vaultId: string;
  /** Where Chromium saves downloads, under the name of their guid. */
  downloadDir: string;
  close: () => Promise<void>;
}

async function clickLink(browser: CdpBrowser, text: string): Promise<void> {
  await browser.evaluate(clickText, { selector: 'nav a', text, timeoutMs: STEP_MS });
}

async function clickButton(browser: CdpBrowser, text: string): Promise<void> {
  await browser.evaluate(clickText, { selector: 'button', text, timeoutMs: STEP_MS });
}

async function signUpAndLogIn(browser: CdpBrowser, accountId: string): Promise<void> {
  await clickLink(browser, 'Créer un compte');
  await waitForText(browser, 'label', 'Mot de passe (encore)');
  await browser.evaluate(fillLabel, { label: 'Identifiant', value: accountId });
  await browser.evaluate(fillLabel, { label: 'Mot de passe', value: PASSWORD });
  await browser.evaluate(fillLabel, { label: 'Mot de passe (encore)', value: PASSWORD });
  await clickButton(browser, 'Créer mon compte');
  await clickButton(browser, 'J’ai noté mes mots');
  await clickLink(browser, 'Se connecter');
  await waitForText(browser, 'button', 'Se connecter');
  await browser.evaluate(fillLabel, { label: 'Identifiant', value: accountId });
  await browser.evaluate(fillLabel, { label: 'Mot de passe', value: PASSWORD });
  await clickButton(browser, 'Se connecter');
  await waitForText(browser, 'h1', 'Mes documents');
}

function waitForText(browser: CdpBrowser, selector: string, text: string): Promise<void> {
  return browser.evaluate(waitForTextInPage, { selector, text, timeoutMs: STEP_MS });
}

export async function openWebAppSession(): Promise<WebAppSession> {
  const server: WebServer = await startWebServer({ api: true });
  const downloadDir = mkdtempSync(join(tmpdir(), 'bench-downloads-'));
  let browser: CdpBrowser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await server.close();
    rmSync(downloadDir, { recursive: true, force: true });
  };
  try {
    browser = await CdpBrowser.launch();
    await browser.send('Browser.setDownloadBehavior', { behavior: 'allowAndName', downloadPath: downloadDir, eventsEnabled: true });
    await browser.send('Page.navigate', { url: server.url }, true);
    await waitForText(browser, 'nav a', 'Créer un compte');
    await signUpAndLogIn(browser, `banc-${randomBytes(4).toString('hex')}@example.org`);
    const vaultId = await browser.evaluate(async () => {
      const answer = await fetch('/api/vaults');
      return (await answer.json() as { vaults: { vaultId: string }[] }).vaults[0]?.vaultId ?? '';
    }, null);
    return { browser, vaultId, downloadDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Chooses `path` in the file input found by `find` (an expression), as a file picker would. */
async function chooseFile(browser: CdpBrowser, find: string, path: string): Promise<void> {
  const found = await browser.send<{ result: { objectId?: string } }>('Runtime.evaluate', { expression: find }, true);
  if (found.result.objectId === undefined) throw new Error(`no file input: ${find}`);
  await browser.send('DOM.setFileInputFiles', { files: [path], objectId: found.result.objectId }, true);
  await browser.send('Runtime.releaseObject', { objectId: found.result.objectId }, true);
}

/** A fresh "Ajouter des documents" page with `path` chosen in its file picker. */
export async function prepareWebAppUpload(browser: CdpBrowser, path: string): Promise<void> {
  await clickLink(browser, 'Mes documents');
  await waitForText(browser, 'h1', 'Mes documents');
  await clickLink(browser, 'Ajouter des documents');
  await waitForText(browser, 'button', 'Chiffrer et envoyer');
  await chooseFile(browser, `[...document.querySelectorAll('label')].find((label) => label.textContent.trim() === 'Fichiers')?.control`, path);
  await waitForText(browser, '.file-row', path.slice(path.lastIndexOf('/') + 1));
}

/** Clicks "Chiffrer et envoyer" (prepared by prepareWebAppUpload); milliseconds until all was added. */
export function webAppUpload(browser: CdpBrowser, timeoutMs: number): Promise<number> {
  return browser.evaluate(clickUntilText, { buttonText: 'Chiffrer et envoyer', doneText: 'Tous les documents ont été ajoutés.', failedSelector: '.alert-error', timeoutMs });
}

/** Chooses `path` in a file input of our own, outside the app's tree (the baseline reads it). */
export async function prepareRawUpload(browser: CdpBrowser, path: string): Promise<void> {
  await browser.evaluate((id) => {
    if (document.getElementById(id) !== null) return;
    const input = document.createElement('input');
    input.type = 'file';
    input.id = id;
    input.hidden = true;
    document.body.append(input);
  }, RAW_INPUT_ID);
  await chooseFile(browser, `document.getElementById(${JSON.stringify(RAW_INPUT_ID)})`, path);
}

export function rawUploadMs(session: WebAppSession, chunkBytes: number): Promise<number> {
  return session.browser.evaluate(rawUpload, { inputId: RAW_INPUT_ID, vaultId: session.vaultId, chunkBytes });
}

export function rawDownloadMs(session: WebAppSession, payloadSize: number): Promise<{ ms: number; bytes: number }> {
  return session.browser.evaluate(rawDownload, { vaultId: session.vaultId, payloadSize });
}

/** Opens "Mes documents" and waits for the document titled `title` to be listed. */
export async function showDocument(browser: CdpBrowser, title: string): Promise<void> {
  await clickLink(browser, 'Mes documents');
  await waitForText(browser, '.document-title', title);
}

/**
 * Downloads the listed document titled `title` with its button (decrypted in the Worker into a Blob, then
 * saved by the browser); resolves once the file is complete on disk, with its path and the milliseconds
 * from the click.
 */
export async function webAppDownload(session: WebAppSession, title: string, timeoutMs: number): Promise<{ ms: number; path: string; button: string }> {
  const { browser } = session;
  // One download at a time: the first one to end is ours (listened to before the click, as it may be quick).
  const ended = browser.waitForEvent('Browser.downloadProgress', (params) => params['state'] !== 'inProgress', timeoutMs);
  const t0 = performance.now();
  const button = await browser.evaluate(clickDownload, { title });
  const done = await ended;
  if (done['state'] !== 'completed' || typeof done['guid'] !== 'string') throw new Error(`download ${String(done['state'])}`);
  return { ms: performance.now() - t0, path: join(session.downloadDir, done['guid']), button };
}
