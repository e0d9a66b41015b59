// "Partagés avec moi" (practitioners): the documents each patient shares, grouped by patient, verified and
// decrypted in the Worker (client/core/shared-with-me.ts); "nouveau" until this version was opened here.
// "Ouvrir" previews as for one's own documents (document-preview.tsx), "Télécharger" saves the file. Where
// the patient allowed it, "Ajouter un document au dossier" (contribute-form.tsx).
import { useEffect, useState } from 'preact/hooks';
import { Alert } from '../components/alert.tsx';
import { ContributeForm } from '../components/contribute-form.tsx';
import { openButtonId } from '../components/document-item.tsx';
import { DocumentPreview, type OpenedFile } from '../components/document-preview.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { SharedDocumentItem } from '../components/shared-document-item.tsx';
import { useApp } from '../lib/app-context.ts';
import { formatDay } from '../lib/dates.ts';
import { fill } from '../lib/fill.ts';
import { saveBlob } from '../lib/save-blob.ts';
import { usePageFailure } from '../lib/use-page-failure.ts';
import { useRequireLogin } from '../lib/use-require-login.ts';
import { vaultClient, type SharedDocumentView, type SharedVaultView } from '../lib/vault-client.ts';

interface Preview {
  key: string;
  file: OpenedFile;
}

const keyOf = (vault: SharedVaultView, document: SharedDocumentView) => `${vault.vaultId}-${document.documentId}`;

export function SharedWithMe() {
  const loggedIn = useRequireLogin();
  const { messages, locale } = useApp();
  const fail = usePageFailure();
  const [vaults, setVaults] = useState<SharedVaultView[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try { await work(); } catch (failure) { setError(fail(failure)); } finally { setBusy(false); }
  };
  const [adding, setAdding] = useState<string | null>(null);
  useEffect(() => { if (loggedIn) void run(async () => { setVaults(await vaultClient().call('listSharedWithMe', {})); }); }, [loggedIn]);

  /** Opens the file and marks that version as seen on the page (the Worker remembers it too). */
  const decrypt = async (vault: SharedVaultView, document: SharedDocumentView): Promise<OpenedFile> => {
    const file = await vaultClient().call('openShared', { grantId: vault.grantId, documentId: document.documentId, version: document.version });
    setVaults((current) => current?.map((entry) => (entry.vaultId !== vault.vaultId ? entry : {
      ...entry, documents: entry.documents.map((item) => (item.documentId === document.documentId ? { ...item, isNew: false } : item)),
    })) ?? null);
    return file;
  };
  const open = (vault: SharedVaultView, document: SharedDocumentView) => run(async () => {
    setPreview(null);
    setPreview({ key: keyOf(vault, document), file: await decrypt(vault, document) });
  });
  const download = (vault: SharedVaultView, document: SharedDocumentView) => run(async () => {
    const file = await decrypt(vault, document);
    saveBlob(file.blob, file.fileName);
  });
  const closePreview = () => {
    const key = preview?.key;
    setPreview(null);
    if (key !== undefined) setTimeout(() => { window.document.getElementById(openButtonId(key))?.focus(); }, 0);
  };

  if (!loggedIn) return null;
  return (
    <>
      <PageTitle>{messages.sharedTitle}</PageTitle>
      <p>{messages.sharedIntro}</p>
      <Alert text={error} />
      {vaults === null && error === null && <p role="status">{messages.loading}</p>}
      {vaults?.length === 0 && <p>{messages.sharedEmpty}</p>}
      {vaults?.map((vault) => {
        const headingId = `patient-${vault.vaultId}`;
        return (
          <section key={vault.vaultId} class="shared-vault" aria-labelledby={headingId}>
            <h2 id={headingId}>{fill(messages.sharedPatient, { owner: vault.ownerAccountId })}</h2>
            <p class="hint">{vault.endsAt === null ? messages.sharedNoEnd : fill(messages.sharedUntil, { date: formatDay(vault.endsAt, locale) })}</p>
            {vault.role === 'contributor' && (adding === vault.grantId
              ? <ContributeForm id={`contribute-${vault.vaultId}`} grantId={vault.grantId} onDone={() => undefined} />
              : <div class="actions"><button type="button" class="secondary" aria-describedby={headingId} onClick={() => { setAdding(vault.grantId); }}>{messages.contributeOpen}</button></div>)}
            {vault.documents.length === 0 && <p>{messages.sharedNoDocument}</p>}
            <ul class="documents" aria-busy={busy}>
              {vault.documents.map((document) => {
                const key = keyOf(vault, document);
                return (
                  <SharedDocumentItem key={key} itemKey={key} document={document} busy={busy}
                    onOpen={() => { void open(vault, document); }} onDownload={() => { void download(vault, document); }}>
                    {preview?.key === key && (
                      <DocumentPreview id={`preview-${key}`} title={document.metadata.title} file={preview.file}
                        onDownload={() => { saveBlob(preview.file.blob, preview.file.fileName); }} onClose={closePreview} />
                    )}
                  </SharedDocumentItem>
                );
              })}
            </ul>
          </section>
        );
      })}
    </>
  );
}
