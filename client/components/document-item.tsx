// One document of the list: title, category, date of care; open (download) and delete with confirmation.
import { useState } from 'preact/hooks';
import { useApp } from '../lib/app-context.ts';
import { categoryLabel } from '../lib/categories.ts';
import type { DocumentView } from '../lib/vault-client.ts';

export interface DocumentItemProps {
  document: DocumentView;
  busy: boolean;
  onOpen: (document: DocumentView) => void;
  onDelete: (document: DocumentView) => void;
}

export function DocumentItem({ document, busy, onOpen, onDelete }: DocumentItemProps) {
  const { messages, locale } = useApp();
  const [confirming, setConfirming] = useState(false);
  const { metadata } = document;
  const titleId = `doc-${document.documentId}`;
  return (
    <li class="document" aria-labelledby={titleId}>
      <h2 id={titleId} class="document-title">{metadata.title}</h2>
      <p class="document-meta">
        <span class="tag">{categoryLabel(metadata.category, messages)}</span>{' '}
        <time dateTime={metadata.dateOfCare}>{formatDate(metadata.dateOfCare, locale)}</time>
      </p>
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
            <button type="button" disabled={busy} aria-describedby={titleId} onClick={() => { onOpen(document); }}>{messages.open}</button>
            <button type="button" class="secondary" disabled={busy} aria-describedby={titleId} onClick={() => { setConfirming(true); }}>{messages.delete}</button>
          </div>
        )}
    </li>
  );
}

/** "2026-02-14" as a local calendar date, read in UTC so no time zone moves it a day. */
export function formatDate(isoDate: string, locale: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}
