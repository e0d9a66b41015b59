// "Ajouter des documents": several files by picker or drag and drop, each with its title (the file name
// without extension by default), category, date of care and a progress bar. Files are encrypted in the
// Worker as streams and sent one after another. On a relative's record, the person may keep them confidential:
// they then go to their own vault (components/readers-choice.tsx), and the page offers to share them.
import { useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Alert } from '../components/alert.tsx';
import { FileRow, type PendingFile } from '../components/file-row.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { ReadersChoice } from '../components/readers-choice.tsx';
import { useApp } from '../lib/app-context.ts';
import { CATEGORIES } from '../lib/categories.ts';
import { errorMessage, isSessionLost } from '../lib/error-message.ts';
import { baseName } from '../lib/save-blob.ts';
import { useRequireLogin } from '../lib/use-require-login.ts';
import { vaultClient, type UploadMetadata } from '../lib/vault-client.ts';

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

export function AddDocuments() {
  const loggedIn = useRequireLogin();
  const { messages, setAccountId, vaults, vaultId, selectVault } = useApp();
  const { route } = useLocation();
  const [items, setItems] = useState<PendingFile[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [confidential, setConfidential] = useState(false);
  const [confidentialIds, setConfidentialIds] = useState<string[]>([]);
  const record = vaults.find((vault) => vault.vaultId === vaultId && vault.role === 'manager');
  const ownVaultId = vaults.find((vault) => vault.role === 'owner')?.vaultId;
  const nextKey = useRef(1);

  const add = (files: FileList | null) => {
    if (files === null) return;
    const today = new Date().toISOString().slice(0, 10);
    const added = [...files].map((file): PendingFile => ({
      key: nextKey.current++, file, title: baseName(file.name), category: CATEGORIES[0]?.code ?? 'other', dateOfCare: today,
      author: '', progress: 0, status: 'waiting', error: null,
    }));
    setDone(false);
    setError(null);
    setItems((current) => [...current, ...added]);
  };
  const update = (key: number, change: Partial<PendingFile>) => {
    setItems((current) => current.map((entry) => (entry.key === key ? { ...entry, ...change } : entry)));
  };

  const sendOne = async (item: PendingFile): Promise<boolean> => {
    update(item.key, { status: 'sending', progress: 0, error: null });
    try {
      const uploaded = await vaultClient().call('uploadDocument', {
        file: item.file, metadata: metadataOf(item, messages.authorSelf), confidential: record !== undefined && confidential,
      }, (sent, total) => { update(item.key, { progress: total === 0 ? 1 : sent / total }); });
      update(item.key, { status: 'done', progress: 1 });
      if (uploaded.vaultId !== vaultId) setConfidentialIds((ids) => [...ids, uploaded.documentId]);
      return true;
    } catch (failure) {
      if (isSessionLost(failure)) { setAccountId(null); route('/connexion'); return false; }
      update(item.key, { status: 'failed', error: errorMessage(failure, messages) });
      return false;
    }
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    const waiting = items.filter((entry) => entry.status !== 'done');
    if (waiting.length === 0) { setError(messages.noFiles); return; }
    setError(null);
    setConfidentialIds([]);
    setBusy(true);
    let allSent = true;
    for (const item of waiting) allSent = (await sendOne(item)) && allSent;
    setBusy(false);
    setDone(allSent);
  };

  // Confidential documents are shared from the person's own vault: switch to it, with them ticked.
  const shareConfidential = async () => {
    if (ownVaultId === undefined) return;
    try {
      await selectVault(ownVaultId);
      route(`/partager?documents=${confidentialIds.join(',')}`);
    } catch (failure) {
      if (isSessionLost(failure)) { setAccountId(null); route('/connexion'); return; }
      setError(errorMessage(failure, messages));
    }
  };

  if (!loggedIn) return null;
  return (
    <>
      <PageTitle>{messages.addTitle}</PageTitle>
      <form onSubmit={(event) => { void submit(event); }} class="stack">
        <div class={dragging ? 'drop-zone dragging' : 'drop-zone'}
          onDragOver={(event) => { event.preventDefault(); setDragging(true); }}
          onDragLeave={() => { setDragging(false); }}
          onDrop={(event) => { event.preventDefault(); setDragging(false); add(event.dataTransfer?.files ?? null); }}>
          <p>{messages.dropZone}</p>
          <label for="add-files">{messages.filesLabel}</label>
          <input id="add-files" type="file" multiple disabled={busy} onChange={(event) => { add(event.currentTarget.files); event.currentTarget.value = ''; }} />
        </div>
        <ul class="files">
          {items.map((item) => (
            <FileRow key={item.key} item={item} busy={busy} onChange={(changed) => { update(changed.key, changed); }}
              onRemove={(removed) => { setItems((current) => current.filter((entry) => entry.key !== removed.key)); }} />
          ))}
        </ul>
        {record !== undefined && (
          <ReadersChoice recordName={record.name ?? ''} confidential={confidential} disabled={busy} onChange={setConfidential} />
        )}
        <Alert text={error} />
        <Alert kind="notice" text={done ? messages.uploadAllDone : null} />
        {confidentialIds.length > 0 && (
          <div class="stack">
            <Alert kind="notice" text={messages.confidentialDone} />
            <button type="button" class="secondary" onClick={() => { void shareConfidential(); }}>{messages.confidentialShare}</button>
          </div>
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>{messages.uploadSubmit}</button>
          <a class="button secondary" href="/documents">{messages.navDocuments}</a>
        </div>
      </form>
    </>
  );
}

function metadataOf(item: PendingFile, defaultAuthor: string): UploadMetadata {
  const mimeType = MEDIA_TYPE.test(item.file.type) ? item.file.type : 'application/octet-stream';
  return {
    title: item.title.trim() || baseName(item.file.name),
    category: item.category,
    dateOfCare: item.dateOfCare,
    author: item.author.trim() || defaultAuthor,
    fileName: item.file.name,
    mimeType,
  };
}
