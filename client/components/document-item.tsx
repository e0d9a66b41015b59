// One document of the list: title, category, date of care, version; open (preview), download, add a new
// version (with its progress bar) and delete with confirmation. The page passes the open preview as children.
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { useApp } from '../lib/app-context.ts';
import { categoryLabel } from '../lib/categories.ts';
import { fill } from '../lib/fill.ts';
import type { DocumentView } from '../lib/vault-client.ts';

export interface DocumentItemProps {
  document: DocumentView;
  busy: boolean;
  /** 0..1 while a new version of this document is encrypted and sent; null otherwise. */
  uploadProgress: number | null;
  onOpen: (document: DocumentView) => void;
  onDownload: (document: DocumentView) => void;
  onNewVersion: (document: DocumentView, file: File) => void;
  onDelete: (document: DocumentView) => void;
  /** Where "Partager" leads for this document; no link without it. */
  shareHref?: string;
  /** Lines under the date (who added it, what is hidden). */
  notes?: ComponentChildren;
  /** Buttons after the usual ones (hide, hide from practitioners). */
  moreActions?: ComponentChildren;
  children?: ComponentChildren;
}

/** The id of a document's "Ouvrir" button, where the focus goes back when its preview closes. */
export function openButtonId(documentId: string): string {
  return `open-${documentId}`;
}

export function DocumentItem({ document, busy, uploadProgress, onOpen, onDownload, onNewVersion, onDelete, shareHref, notes, moreActions, children }: DocumentItemProps) {
  const { messages, locale } = useApp();
  const [confirming, setConfirming] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const { metadata } = document;
  const titleId = `doc-${document.documentId}`;
  return (
    <li class="document" aria-labelledby={titleId}>
      <h2 id={titleId} class="document-title">{metadata.title}</h2>
      <p class="document-meta">
        <span class="tag">{categoryLabel(metadata.category, messages)}</span>{' '}
        <time dateTime={metadata.dateOfCare}>{formatDate(metadata.dateOfCare, locale)}</time>
        {document.version > 1 && <span class="document-version">{fill(messages.version, { version: document.version })}</span>}
      </p>
      {notes}
      {confirming
        ? (
          <div class="actions" role="group" aria-label={messages.deleteConfirm}>
            <span>{messages.deleteConfirm}</span>
            <button type="button" class="danger" disabled={busy} onClick={() => { setConfirming(false); onDelete(document); }}>{messages.deleteYes}</button>
            <button type="button" class="secondary" onClick={() => { setConfirming(false); }}>{messages.deleteNo}</button>
          </div>
        )
        : (
          <div class="actions">
            <button type="button" id={openButtonId(document.documentId)} disabled={busy} aria-describedby={titleId} onClick={() => { onOpen(document); }}>{messages.open}</button>
            <button type="button" class="secondary" disabled={busy} aria-describedby={titleId} onClick={() => { onDownload(document); }}>{messages.download}</button>
            <button type="button" class="secondary" disabled={busy} aria-describedby={titleId} onClick={() => { picker.current?.click(); }}>{messages.newVersion}</button>
            {shareHref !== undefined && <a class="button secondary" href={shareHref} aria-describedby={titleId}>{messages.shareThis}</a>}
            {moreActions}
            <button type="button" class="secondary" disabled={busy} aria-describedby={titleId} onClick={() => { setConfirming(true); }}>{messages.delete}</button>
            <input ref={picker} type="file" hidden aria-label={messages.newVersionFile}
              onChange={(event) => {
                const file = event.currentTarget.files?.[0];
                event.currentTarget.value = '';
                if (file !== undefined) onNewVersion(document, file);
              }} />
          </div>
        )}
      {uploadProgress !== null && (
        <div class="progress-line">
          <progress max={1} value={uploadProgress} aria-label={`${messages.uploadProgress} — ${metadata.title}`} />
          <span role="status">{`${String(Math.round(uploadProgress * 100))} %`}</span>
        </div>
      )}
      {children}
    </li>
  );
}

/** "2026-02-14" as a local calendar date, read in UTC so no time zone moves it a day. */
export function formatDate(isoDate: string, locale: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}
