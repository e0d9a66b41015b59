// "Mes documents": every document of the vault, verified and decrypted in the Worker; filter by category
// and search in titles here, on the device (the server never sees a query); newest date of care first.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Alert } from '../components/alert.tsx';
import { DocumentItem } from '../components/document-item.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { useApp } from '../lib/app-context.ts';
import { CATEGORIES } from '../lib/categories.ts';
import { errorMessage, isSessionLost } from '../lib/error-message.ts';
import { saveBlob } from '../lib/save-blob.ts';
import { useRequireLogin } from '../lib/use-require-login.ts';
import { vaultClient, type DocumentView } from '../lib/vault-client.ts';

export function Documents() {
  const loggedIn = useRequireLogin();
  const { messages, locale, setAccountId } = useApp();
  const { route } = useLocation();
  const [documents, setDocuments] = useState<DocumentView[] | null>(null);
  const [category, setCategory] = useState('');
  const [search, setSearch] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const fail = (failure: unknown) => {
    if (isSessionLost(failure)) { setAccountId(null); route('/connexion'); return; }
    setError(errorMessage(failure, messages));
  };
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try { await work(); } catch (failure) { fail(failure); } finally { setBusy(false); }
  };
  const load = () => run(async () => { setDocuments(await vaultClient().call('listDocuments', {})); });
  useEffect(() => { if (loggedIn) void load(); }, [loggedIn]);

  const open = (document: DocumentView) => run(async () => {
    const file = await vaultClient().call('downloadDocument', { documentId: document.documentId });
    saveBlob(file.blob, file.fileName);
  });
  const remove = (document: DocumentView) => run(async () => {
    await vaultClient().call('deleteDocument', { documentId: document.documentId });
    setDocuments((current) => current?.filter((entry) => entry.documentId !== document.documentId) ?? null);
    setNotice(messages.deleted);
  });

  const shown = useMemo(() => visible(documents ?? [], category, search, locale), [documents, category, search, locale]);
  if (!loggedIn) return null;
  return (
    <>
      <PageTitle>{messages.documentsTitle}</PageTitle>
      <p><a class="button" href="/documents/ajouter">{messages.navAdd}</a></p>
      <div class="filters">
        <div class="field">
          <label for="filter-category">{messages.filterCategory}</label>
          <select id="filter-category" value={category} onChange={(event) => { setCategory(event.currentTarget.value); }}>
            <option value="">{messages.filterAll}</option>
            {CATEGORIES.map((entry) => <option key={entry.code} value={entry.code}>{messages[entry.label]}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="filter-search">{messages.searchLabel}</label>
          <input id="filter-search" type="search" value={search} aria-describedby="filter-search-hint"
            onInput={(event) => { setSearch(event.currentTarget.value); }} />
          <p id="filter-search-hint" class="hint">{messages.searchHint}</p>
        </div>
      </div>
      <Alert text={error} />
      <Alert kind="notice" text={notice} />
      <p class="hint">{messages.openHint}</p>
      {documents === null && <p role="status">{messages.loading}</p>}
      {documents !== null && documents.length === 0 && <p>{messages.documentsEmpty}</p>}
      {documents !== null && documents.length > 0 && shown.length === 0 && <p>{messages.documentsNoMatch}</p>}
      <ul class="documents" aria-busy={busy}>
        {shown.map((document) => <DocumentItem key={document.documentId} document={document} busy={busy} onOpen={(d) => { void open(d); }} onDelete={(d) => { void remove(d); }} />)}
      </ul>
    </>
  );
}

/** The documents matching the filters, newest date of care first (then title). */
function visible(documents: readonly DocumentView[], category: string, search: string, locale: string): DocumentView[] {
  const needle = fold(search.trim(), locale);
  return documents
    .filter((entry) => category === '' || entry.metadata.category === category)
    .filter((entry) => needle === '' || fold(entry.metadata.title, locale).includes(needle))
    .sort((a, b) => b.metadata.dateOfCare.localeCompare(a.metadata.dateOfCare) || a.metadata.title.localeCompare(b.metadata.title, locale));
}

/** Case- and accent-insensitive form for searching ("echo" finds "Échographie"). */
function fold(text: string, locale: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase(locale);
}
