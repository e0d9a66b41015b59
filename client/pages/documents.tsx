// "Mes documents": every document of the vault, verified and decrypted in the Worker; filter by category
// and search in titles here, on the device (the server never sees a query); newest date of care first.
// "Ouvrir" previews the decrypted file under its entry (document-preview.tsx), "Télécharger" saves it,
// "Nouvelle version" encrypts and sends a new file for the same document, keeping its title, category,
// date of care and author. Documents a practitioner added show who, once their signature checked out, and
// can be hidden from this list; any document can be hidden from practitioners; received documents that
// failed verification are listed apart, with only "Supprimer".
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Alert } from '../components/alert.tsx';
import { DocumentItem, openButtonId } from '../components/document-item.tsx';
import { DocumentFlagActions, DocumentNotes } from '../components/document-flags.tsx';
import { DocumentPreview, type OpenedFile } from '../components/document-preview.tsx';
import { QuarantinedList } from '../components/quarantined-list.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { useApp } from '../lib/app-context.ts';
import { CATEGORIES } from '../lib/categories.ts';
import { errorMessage, isSessionLost } from '../lib/error-message.ts';
import { fill } from '../lib/fill.ts';
import { mediaTypeOf } from '../lib/media-type.ts';
import { saveBlob } from '../lib/save-blob.ts';
import { useRequireLogin } from '../lib/use-require-login.ts';
import { vaultClient, type DocumentView, type QuarantinedView, type UploadMetadata } from '../lib/vault-client.ts';

interface Preview {
  documentId: string;
  file: OpenedFile;
}

export function Documents() {
  const loggedIn = useRequireLogin();
  const { messages, locale, setAccountId, role, vaults, vaultId } = useApp();
  const canShare = role === 'patient' || vaults.some((vault) => vault.vaultId === vaultId && vault.role === 'manager');
  const { route } = useLocation();
  const [documents, setDocuments] = useState<DocumentView[] | null>(null);
  const [quarantined, setQuarantined] = useState<QuarantinedView[]>([]);
  const [showHidden, setShowHidden] = useState(false);
  const [category, setCategory] = useState('');
  const [search, setSearch] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [uploading, setUploading] = useState<{ documentId: string; progress: number } | null>(null);

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
  const reload = async () => {
    const record = await vaultClient().call('listRecord', {});
    setDocuments(record.documents);
    setQuarantined(record.quarantined);
  };
  const load = () => run(reload);
  useEffect(() => { if (loggedIn) void load(); }, [loggedIn]);

  const decrypt = async (document: DocumentView): Promise<OpenedFile> => vaultClient().call('downloadDocument', { documentId: document.documentId });
  const open = (document: DocumentView) => run(async () => {
    setPreview(null);
    setPreview({ documentId: document.documentId, file: await decrypt(document) });
  });
  const closePreview = () => {
    const documentId = preview?.documentId;
    setPreview(null);
    // After the preview is gone, the focus returns to the button that opened it.
    if (documentId !== undefined) setTimeout(() => { window.document.getElementById(openButtonId(documentId))?.focus(); }, 0);
  };
  const download = (document: DocumentView) => run(async () => {
    const file = await decrypt(document);
    saveBlob(file.blob, file.fileName);
  });
  const newVersion = (document: DocumentView, file: File) => run(async () => {
    if (preview?.documentId === document.documentId) setPreview(null);
    setUploading({ documentId: document.documentId, progress: 0 });
    try {
      await vaultClient().call('uploadDocument', { file, metadata: versionMetadata(document, file), documentId: document.documentId }, (sent, total) => {
        setUploading({ documentId: document.documentId, progress: total === 0 ? 1 : sent / total });
      });
    } finally {
      setUploading(null);
    }
    await reload();
    setNotice(messages.newVersionDone);
  });
  const remove = (document: DocumentView) => run(async () => {
    await vaultClient().call('deleteDocument', { documentId: document.documentId });
    if (preview?.documentId === document.documentId) setPreview(null);
    setDocuments((current) => current?.filter((entry) => entry.documentId !== document.documentId) ?? null);
    setNotice(messages.deleted);
  });
  const hide = (document: DocumentView, hidden: boolean) => run(async () => {
    await vaultClient().call('setHidden', { documentId: document.documentId, hidden });
    if (hidden && preview?.documentId === document.documentId) setPreview(null);
    await reload();
    setNotice(hidden ? messages.hiddenDone : messages.unhiddenDone);
  });
  const hideFromPractitioners = (document: DocumentView, hidden: boolean) => run(async () => {
    await vaultClient().call('setHiddenFromPractitioners', { documentId: document.documentId, hidden });
    await reload();
    setNotice(hidden ? messages.hiddenFromPractitionersDone : messages.unhiddenFromPractitionersDone);
  });
  const removeQuarantined = (item: QuarantinedView) => run(async () => {
    await vaultClient().call('deleteContribution', { documentId: item.documentId });
    setQuarantined((current) => current.filter((entry) => entry.documentId !== item.documentId));
    setNotice(messages.deleted);
  });

  const shown = useMemo(
    () => visible((documents ?? []).filter((entry) => showHidden || entry.hidden !== true), category, search, locale),
    [documents, category, search, locale, showHidden],
  );
  const hiddenCount = (documents ?? []).filter((entry) => entry.hidden === true).length;
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
      {hiddenCount > 0 && (
        <label class="choice">
          <input type="checkbox" checked={showHidden} onChange={(event) => { setShowHidden(event.currentTarget.checked); }} />
          {fill(messages.showHidden, { count: hiddenCount })}
        </label>
      )}
      <Alert text={error} />
      <Alert kind="notice" text={notice} />
      <p class="hint">{messages.openHint}</p>
      {documents === null && <p role="status">{messages.loading}</p>}
      {documents !== null && documents.length === 0 && <p>{messages.documentsEmpty}</p>}
      {documents !== null && documents.length > 0 && shown.length === 0 && <p>{messages.documentsNoMatch}</p>}
      <ul class="documents" aria-busy={busy}>
        {shown.map((document) => (
          <DocumentItem key={document.documentId} document={document} busy={busy}
            uploadProgress={uploading?.documentId === document.documentId ? uploading.progress : null}
            onOpen={(d) => { void open(d); }} onDownload={(d) => { void download(d); }}
            onNewVersion={(d, file) => { void newVersion(d, file); }} onDelete={(d) => { void remove(d); }}
            notes={<DocumentNotes document={document} />}
            moreActions={<DocumentFlagActions document={document} busy={busy} titleId={`doc-${document.documentId}`}
              onHide={(hidden) => { void hide(document, hidden); }} onHideFromPractitioners={(hidden) => { void hideFromPractitioners(document, hidden); }} />}
            {...(canShare ? { shareHref: `/partager?documents=${encodeURIComponent(document.documentId)}` } : {})}>
            {preview?.documentId === document.documentId && (
              <DocumentPreview id={`preview-${document.documentId}`} title={document.metadata.title} file={preview.file}
                onDownload={() => { saveBlob(preview.file.blob, preview.file.fileName); }} onClose={closePreview} />
            )}
          </DocumentItem>
        ))}
      </ul>
      <QuarantinedList items={quarantined} busy={busy} onDelete={(item) => { void removeQuarantined(item); }} />
    </>
  );
}

/**
 * A new version keeps what describes the document (title, category, date of care, author and the other
 * descriptive fields); the file's name and type are the new file's, its length is measured again on upload.
 */
function versionMetadata(document: DocumentView, file: File): UploadMetadata {
  const kept: UploadMetadata & { realLength?: number } = { ...document.metadata, fileName: file.name, mimeType: mediaTypeOf(file) };
  delete kept.realLength;
  return kept;
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
