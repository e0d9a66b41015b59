// Functions run inside the web app's page (cdp-pipe.ts sends their source text): each is self-contained,
// with no named inner function (tsx would wrap it in a helper the page lacks). They act as a patient would
// (labels, button texts), use the page's own origin and session cookie, and time themselves with the
// page's clock, so the driver's round trips are not part of any figure.

/** Types `value` into the field labelled exactly `label`, as input events (what Preact listens to). */
export function fillLabel(arg: { label: string; value: string }): void {
  const label = [...document.querySelectorAll('label')].find((element) => element.textContent.trim() === arg.label);
  const field = label?.control;
  if (!(field instanceof HTMLInputElement)) throw new Error(`no field labelled ${arg.label}`);
  field.value = arg.value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Clicks the first `selector` element whose text is exactly `text`, once there (within `timeoutMs`). */
export async function clickText(arg: { selector: string; text: string; timeoutMs: number }): Promise<void> {
  const deadline = performance.now() + arg.timeoutMs;
  for (;;) {
    const element = [...document.querySelectorAll<HTMLElement>(arg.selector)].find((candidate) => candidate.textContent.trim() === arg.text);
    if (element !== undefined && !(element instanceof HTMLButtonElement && element.disabled)) {
      element.click();
      return;
    }
    if (performance.now() > deadline) throw new Error(`no ${arg.selector} "${arg.text}" to click`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves once `selector` matches an element holding `text` (within `timeoutMs`). */
export async function waitForText(arg: { selector: string; text: string; timeoutMs: number }): Promise<void> {
  const deadline = performance.now() + arg.timeoutMs;
  while (![...document.querySelectorAll(arg.selector)].some((element) => element.textContent.includes(arg.text))) {
    if (performance.now() > deadline) throw new Error(`no ${arg.selector} with "${arg.text}"`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the unencrypted upload needs to know. */
export interface RawUploadArg {
  /** Id of the file input holding the file. */
  inputId: string;
  vaultId: string;
  chunkBytes: number;
}

/**
 * The baseline: the file's bytes uploaded unencrypted with the pipeline's shape (POST the upload, then
 * PUT ranges of `chunkBytes` read into memory, one at a time), never committed: deleted after timing.
 * Returns the milliseconds from the POST to the last answer.
 */
export async function rawUpload(arg: RawUploadArg): Promise<number> {
  const input = document.getElementById(arg.inputId);
  const file = input instanceof HTMLInputElement ? input.files?.[0] : undefined;
  if (file === undefined) throw new Error('no file chosen');
  const base = `/api/vaults/${arg.vaultId}/uploads`;
  const t0 = performance.now();
  const created = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ size: file.size }) });
  if (!created.ok) throw new Error(`POST uploads: HTTP ${created.status}`);
  const { uploadId } = await created.json() as { uploadId: string };
  for (let sent = 0; sent < file.size;) {
    const end = Math.min(sent + arg.chunkBytes, file.size);
    const body = new Uint8Array(await file.slice(sent, end).arrayBuffer());
    const answer = await fetch(`${base}/${uploadId}`, {
      method: 'PUT', body,
      headers: { 'content-type': 'application/octet-stream', 'content-range': `bytes ${sent}-${end - 1}/${file.size}` },
    });
    if (!answer.ok) throw new Error(`PUT range: HTTP ${answer.status}`);
    await answer.json();
    sent = end;
  }
  const ms = performance.now() - t0;
  await fetch(`${base}/${uploadId}`, { method: 'DELETE' });
  return ms;
}

/**
 * The download baseline: the stored payload of a document of `payloadSize` bytes fetched and read to the
 * end, bytes dropped (no decryption, no Blob). Returns the milliseconds and the bytes read.
 */
export async function rawDownload(arg: { vaultId: string; payloadSize: number }): Promise<{ ms: number; bytes: number }> {
  const listed = await fetch(`/api/vaults/${arg.vaultId}/documents?limit=200`);
  const { documents } = await listed.json() as { documents: { documentId: string; currentVersion: number; payloadSize: number }[] };
  const document = documents.find((entry) => entry.payloadSize === arg.payloadSize);
  if (document === undefined) throw new Error('no document of that payload size');
  const t0 = performance.now();
  const answer = await fetch(`/api/vaults/${arg.vaultId}/documents/${document.documentId}/versions/${document.currentVersion}/payload`);
  const reader = answer.body?.getReader();
  if (!answer.ok || reader === undefined) throw new Error(`GET payload: HTTP ${answer.status}`);
  let bytes = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) bytes += next.value.length;
  return { ms: performance.now() - t0, bytes };
}

/**
 * Clicks the button whose text is `buttonText` and resolves with the milliseconds until `doneText` is
 * shown; rejects when the page shows an error (`failedSelector`) or after `timeoutMs`.
 */
export function clickUntilText(arg: { buttonText: string; doneText: string; failedSelector: string; timeoutMs: number }): Promise<number> {
  const button = [...document.querySelectorAll('button')].find((element) => element.textContent.trim() === arg.buttonText);
  if (button === undefined) return Promise.reject(new Error(`no button "${arg.buttonText}"`));
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const observer = new MutationObserver(() => {
      if (document.querySelector(arg.failedSelector) !== null) {
        observer.disconnect();
        reject(new Error('the web app reported a failed upload'));
      } else if (document.body.textContent.includes(arg.doneText)) {
        observer.disconnect();
        resolve(performance.now() - t0);
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    setTimeout(() => { observer.disconnect(); reject(new Error('upload timed out')); }, arg.timeoutMs);
    button.click();
  });
}

/**
 * Clicks the download button of the listed document titled `title`: "Télécharger", or "Ouvrir" in builds
 * where that button downloaded. Returns the text of the button clicked.
 */
export function clickDownload(arg: { title: string }): string {
  const item = [...document.querySelectorAll('.document')].find((element) => element.querySelector('.document-title')?.textContent === arg.title);
  const buttons = [...(item?.querySelectorAll('button') ?? [])];
  const button = buttons.find((element) => element.textContent.trim() === 'Télécharger') ?? buttons.find((element) => element.textContent.trim() === 'Ouvrir');
  if (button === undefined) throw new Error(`no download button for ${arg.title}`);
  button.click();
  return button.textContent.trim();
}
