// One file waiting to be added: its title, category, date of care and author, and its progress bar.
import { useApp } from '../lib/app-context.ts';
import { CATEGORIES } from '../lib/categories.ts';

export interface PendingFile {
  key: number;
  file: File;
  title: string;
  category: string;
  dateOfCare: string;
  author: string;
  /** 0..1 of the encrypted bytes the server has stored. */
  progress: number;
  status: 'waiting' | 'sending' | 'done' | 'failed';
  error: string | null;
}

export interface FileRowProps {
  item: PendingFile;
  busy: boolean;
  onChange: (item: PendingFile) => void;
  onRemove: (item: PendingFile) => void;
}

export function FileRow({ item, busy, onChange, onRemove }: FileRowProps) {
  const { messages } = useApp();
  const id = (field: string) => `file-${String(item.key)}-${field}`;
  const locked = busy || item.status === 'done';
  return (
    <li class="file-row">
      <p class="file-name">{item.file.name}</p>
      <div class="field">
        <label for={id('title')}>{messages.fileTitleLabel}</label>
        <input id={id('title')} required disabled={locked} value={item.title} onInput={(event) => { onChange({ ...item, title: event.currentTarget.value }); }} />
      </div>
      <div class="field">
        <label for={id('category')}>{messages.fileCategoryLabel}</label>
        <select id={id('category')} disabled={locked} value={item.category} onChange={(event) => { onChange({ ...item, category: event.currentTarget.value }); }}>
          {CATEGORIES.map((entry) => <option key={entry.code} value={entry.code}>{messages[entry.label]}</option>)}
        </select>
      </div>
      <div class="field">
        <label for={id('date')}>{messages.fileDateLabel}</label>
        <input id={id('date')} type="date" required disabled={locked} value={item.dateOfCare} onInput={(event) => { onChange({ ...item, dateOfCare: event.currentTarget.value }); }} />
      </div>
      <div class="field">
        <label for={id('author')}>{messages.fileAuthorLabel}</label>
        <input id={id('author')} disabled={locked} value={item.author} onInput={(event) => { onChange({ ...item, author: event.currentTarget.value }); }} />
      </div>
      <div class="progress-line">
        <progress id={id('progress')} max={1} value={item.progress} aria-label={`${messages.uploadProgress} — ${item.file.name}`} />
        {/* The bar already says how far it is: only the outcome is announced, not every percent. */}
        {item.status === 'sending' && <span aria-hidden="true">{`${String(Math.round(item.progress * 100))} %`}</span>}
        <span role="status">{statusText(item, messages)}</span>
      </div>
      {item.error !== null && <p class="alert alert-error" role="alert">{item.error}</p>}
      {item.status !== 'done' && <button type="button" class="secondary" disabled={busy} onClick={() => { onRemove(item); }}>{messages.removeFile}</button>}
    </li>
  );
}

function statusText(item: PendingFile, messages: ReturnType<typeof useApp>['messages']): string {
  if (item.status === 'done') return messages.uploadDone;
  if (item.status === 'failed') return messages.uploadFailed;
  return '';
}
