// Search the practitioner directory (name, profession, city, RPPS) and pick one entry.
import { useState } from 'preact/hooks';
import { useApp } from '../lib/app-context.ts';
import { fill } from '../lib/fill.ts';
import { professionLine } from '../lib/professions.ts';
import type { PractitionerEntry } from '../lib/vault-client.ts';

export interface PractitionerSearchProps {
  busy: boolean;
  results: PractitionerEntry[] | null;
  onSearch: (query: string) => void;
  onPick: (entry: PractitionerEntry) => void;
}

export function PractitionerSearch({ busy, results, onSearch, onPick }: PractitionerSearchProps) {
  const { messages } = useApp();
  const [query, setQuery] = useState('');
  return (
    <section aria-labelledby="share-search-title">
      <h2 id="share-search-title">{messages.shareSearchTitle}</h2>
      <form role="search" class="stack" onSubmit={(event) => { event.preventDefault(); onSearch(query); }}>
        <label for="share-search">{messages.shareSearchLabel}</label>
        <div class="search-row">
          <input id="share-search" type="search" autoComplete="off" value={query} aria-describedby="share-search-hint"
            onInput={(event) => { setQuery(event.currentTarget.value); }} />
          <button type="submit" disabled={busy}>{messages.shareSearchSubmit}</button>
        </div>
        <p id="share-search-hint" class="hint">{messages.shareSearchHint}</p>
      </form>
      {results?.length === 0 && <p role="status">{messages.shareNoResult}</p>}
      {results !== null && results.length > 0 && (
        <ul class="practitioners" aria-label={messages.shareResults}>
          {results.map((entry) => {
            const nameId = `practitioner-${entry.accountId}`;
            return (
              <li key={entry.accountId} class="practitioner">
                <p class="practitioner-name" id={nameId}>{entry.name}</p>
                <p class="practitioner-meta">{professionLine(entry, messages)} · {entry.place}, {entry.city} · {fill(messages.shareRpps, { rpps: entry.rpps })}</p>
                <button type="button" class="secondary" disabled={busy} aria-describedby={nameId} onClick={() => { onPick(entry); }}>{messages.shareChoose}</button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
