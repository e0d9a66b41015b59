// "Ajouter un document au dossier" (a practitioner, on a record shared with them as contributor): one file
// with its title, category and date of care, encrypted and signed in the Worker, sent with a progress bar.
// The patient's application checks the signature before showing it as added by this practitioner.
import { useState } from 'preact/hooks';
import { Alert } from './alert.tsx';
import { useApp } from '../lib/app-context.ts';
import { CATEGORIES } from '../lib/categories.ts';
import { todayIso } from '../lib/dates.ts';
import { mediaTypeOf } from '../lib/media-type.ts';
import { baseName } from '../lib/save-blob.ts';
import { usePageFailure } from '../lib/use-page-failure.ts';
import { vaultClient } from '../lib/vault-client.ts';

export function ContributeForm({ grantId, id, onDone }: { grantId: string; id: string; onDone: () => void }) {
  const { messages } = useApp();
  const fail = usePageFailure();
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [category, setCategory] = useState(CATEGORIES[0]?.code ?? 'other');
  const [dateOfCare, setDateOfCare] = useState(todayIso());
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (file === null) { setError(messages.noFiles); return; }
    setError(null);
    setNotice(null);
    setProgress(0);
    try {
      await vaultClient().call('contribute', {
        grantId, file,
        metadata: { title: title.trim() || baseName(file.name), category, dateOfCare, author: '', fileName: file.name, mimeType: mediaTypeOf(file) },
      }, (sent, total) => { setProgress(total === 0 ? 1 : sent / total); });
      setFile(null);
      setTitle('');
      setNotice(messages.contributeDone);
      onDone();
    } catch (failure) {
      setError(fail(failure));
    } finally {
      setProgress(null);
    }
  };
  const busy = progress !== null;
  return (
    <form class="stack contribute" onSubmit={(event) => { void submit(event); }} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{messages.contributeTitle}</h3>
      <p class="hint">{messages.contributeIntro}</p>
      <label for={`${id}-file`}>{messages.contributeFile}</label>
      <input id={`${id}-file`} type="file" disabled={busy} onChange={(event) => {
        const picked = event.currentTarget.files?.[0] ?? null;
        setFile(picked);
        if (picked !== null && title === '') setTitle(baseName(picked.name));
      }} />
      <label for={`${id}-doc-title`}>{messages.fileTitleLabel}</label>
      <input id={`${id}-doc-title`} disabled={busy} value={title} onInput={(event) => { setTitle(event.currentTarget.value); }} />
      <label for={`${id}-category`}>{messages.fileCategoryLabel}</label>
      <select id={`${id}-category`} disabled={busy} value={category} onChange={(event) => { setCategory(event.currentTarget.value); }}>
        {CATEGORIES.map((entry) => <option key={entry.code} value={entry.code}>{messages[entry.label]}</option>)}
      </select>
      <label for={`${id}-date`}>{messages.fileDateLabel}</label>
      <input id={`${id}-date`} type="date" required disabled={busy} value={dateOfCare} onInput={(event) => { setDateOfCare(event.currentTarget.value); }} />
      {progress !== null && (
        <div class="progress-line">
          <progress max={1} value={progress} aria-label={messages.uploadProgress} />
          <span aria-hidden="true">{`${String(Math.round(progress * 100))} %`}</span>
        </div>
      )}
      <Alert text={error} />
      <Alert kind="notice" text={notice} />
      <button type="submit" disabled={busy}>{messages.contributeSubmit}</button>
    </form>
  );
}
