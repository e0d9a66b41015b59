// One document a patient shares: title, "nouveau" until opened, category, date of care, version; open
// (preview, passed as children) and download. No change is offered: a practitioner only reads.
import type { ComponentChildren } from 'preact';
import { formatDate, openButtonId } from './document-item.tsx';
import { useApp } from '../lib/app-context.ts';
import { categoryLabel } from '../lib/categories.ts';
import { fill } from '../lib/fill.ts';
import type { SharedDocumentView } from '../lib/vault-client.ts';

export interface SharedDocumentItemProps {
  itemKey: string;
  document: SharedDocumentView;
  busy: boolean;
  onOpen: () => void;
  onDownload: () => void;
  children?: ComponentChildren;
}

export function SharedDocumentItem({ itemKey, document, busy, onOpen, onDownload, children }: SharedDocumentItemProps) {
  const { messages, locale } = useApp();
  const { metadata } = document;
  const titleId = `doc-${itemKey}`;
  return (
    <li class="document" aria-labelledby={titleId}>
      <h3 id={titleId} class="document-title">
        {metadata.title}
        {document.isNew && <> <span class="new-marker">{messages.sharedNew}</span></>}
      </h3>
      <p class="document-meta">
        <span class="tag">{categoryLabel(metadata.category, messages)}</span>{' '}
        <time dateTime={metadata.dateOfCare}>{formatDate(metadata.dateOfCare, locale)}</time>
        {document.version > 1 && <span class="document-version">{fill(messages.version, { version: document.version })}</span>}
      </p>
      <div class="actions">
        <button type="button" id={openButtonId(itemKey)} disabled={busy} aria-describedby={titleId} onClick={onOpen}>{messages.open}</button>
        <button type="button" class="secondary" disabled={busy} aria-describedby={titleId} onClick={onDownload}>{messages.download}</button>
      </div>
      {children}
    </li>
  );
}
