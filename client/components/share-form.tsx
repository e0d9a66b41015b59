// What to share with the picked practitioner: the whole record (future documents included), categories
// (future documents of them included) or chosen documents; and an optional end of care, which the server
// enforces; and whether the practitioner may add documents (results, letters) to the record — on by
// default; a relative only reads. One submit, one request (client/core/sharing.ts).
import { useState } from 'preact/hooks';
import { Alert } from './alert.tsx';
import { useApp } from '../lib/app-context.ts';
import { CATEGORIES, categoryLabel } from '../lib/categories.ts';
import { endOfDay, todayIso } from '../lib/dates.ts';
import type { DocumentView, ShareRole, ShareScope } from '../lib/vault-client.ts';

export interface ShareFormProps {
  documents: DocumentView[] | null;
  /** Documents chosen before coming here (the "Partager" action of the documents list). */
  initialDocuments: string[];
  busy: boolean;
  /** False for a relative: read only, no contributor option. */
  allowContributor?: boolean;
  onShare: (scope: ShareScope, endsAt: number | null, role: ShareRole) => void;
}

type Kind = ShareScope['kind'];

export function ShareForm({ documents, initialDocuments, busy, allowContributor = true, onShare }: ShareFormProps) {
  const { messages } = useApp();
  const [kind, setKind] = useState<Kind>(initialDocuments.length > 0 ? 'documents' : 'categories');
  const [categories, setCategories] = useState<string[]>([]);
  const [documentIds, setDocumentIds] = useState<string[]>(initialDocuments);
  const [end, setEnd] = useState('');
  const [contributor, setContributor] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const toggle = (list: string[], value: string, on: boolean) => (on ? [...list.filter((entry) => entry !== value), value] : list.filter((entry) => entry !== value));
  const submit = (event: Event) => {
    event.preventDefault();
    const scope: ShareScope = kind === 'all' ? { kind } : kind === 'categories' ? { kind, categories: [...categories].sort() } : { kind, documentIds };
    if ((scope.kind === 'categories' && scope.categories.length === 0) || (scope.kind === 'documents' && scope.documentIds.length === 0)) {
      setError(messages.shareNothingChosen);
      return;
    }
    const endsAt = end === '' ? null : endOfDay(end);
    if (endsAt !== null && (Number.isNaN(endsAt) || endsAt <= Date.now())) { setError(messages.shareEndInPast); return; }
    setError(null);
    onShare(scope, endsAt, allowContributor && contributor ? 'contributor' : 'reader');
  };
  const radio = (value: Kind, label: string) => (
    <label class="choice">
      <input type="radio" name="share-kind" value={value} checked={kind === value} onChange={() => { setKind(value); }} />
      {label}
    </label>
  );
  return (
    <form class="stack" onSubmit={submit}>
      <fieldset class="choices">
        <legend>{messages.shareWhatLegend}</legend>
        {radio('categories', messages.shareWhatCategories)}
        {radio('documents', messages.shareWhatDocuments)}
        {radio('all', messages.shareWhatAll)}
      </fieldset>
      {kind === 'categories' && (
        <fieldset class="choices">
          <legend>{messages.shareCategoriesLegend}</legend>
          {CATEGORIES.map((category) => (
            <label key={category.code} class="choice">
              <input type="checkbox" value={category.code} checked={categories.includes(category.code)}
                onChange={(event) => { setCategories(toggle(categories, category.code, event.currentTarget.checked)); }} />
              {messages[category.label]}
            </label>
          ))}
        </fieldset>
      )}
      {kind === 'documents' && (
        <fieldset class="choices">
          <legend>{messages.shareDocumentsLegend}</legend>
          {documents === null && <p role="status">{messages.loading}</p>}
          {documents?.length === 0 && <p>{messages.shareNoDocuments}</p>}
          {documents?.map((document) => (
            <label key={document.documentId} class="choice">
              <input type="checkbox" value={document.documentId} checked={documentIds.includes(document.documentId)}
                onChange={(event) => { setDocumentIds(toggle(documentIds, document.documentId, event.currentTarget.checked)); }} />
              {document.metadata.title} <span class="tag">{categoryLabel(document.metadata.category, messages)}</span>
            </label>
          ))}
        </fieldset>
      )}
      <label for="share-end">{messages.shareEndLabel}</label>
      <input id="share-end" type="date" min={todayIso()} value={end} aria-describedby="share-end-hint" onInput={(event) => { setEnd(event.currentTarget.value); }} />
      <p id="share-end-hint" class="hint">{messages.shareEndHint}</p>
      {allowContributor
        ? (
          <>
            <label class="choice">
              <input type="checkbox" checked={contributor} aria-describedby="share-contributor-hint" onChange={(event) => { setContributor(event.currentTarget.checked); }} />
              {messages.shareContributorLabel}
            </label>
            <p id="share-contributor-hint" class="hint">{messages.shareContributorHint}</p>
          </>
        )
        : <p class="hint">{messages.shareRelativeReadOnly}</p>}
      <Alert text={error} />
      <button type="submit" disabled={busy}>{messages.shareSubmit}</button>
    </form>
  );
}
