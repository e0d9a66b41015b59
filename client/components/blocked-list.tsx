// "Praticiens bloqués": whom the patient blocked (no share with them, their documents refused), and
// "Débloquer", which only lifts the block: nothing is shared again until the patient shares anew.
import { useApp } from '../lib/app-context.ts';
import type { BlockedView } from '../lib/vault-client.ts';

export function BlockedList({ blocked, busy, onUnblock }: { blocked: BlockedView[]; busy: boolean; onUnblock: (entry: BlockedView) => void }) {
  const { messages } = useApp();
  if (blocked.length === 0) return null;
  return (
    <section aria-labelledby="blocked-title">
      <h2 id="blocked-title">{messages.blockedTitle}</h2>
      <p class="hint">{messages.blockedIntro}</p>
      <ul class="blocked">
        {blocked.map((entry) => {
          const id = `blocked-${entry.accountId}`;
          return (
            <li key={entry.accountId} class="blocked-item">
              <span id={id}>{entry.name ?? entry.accountId}</span>{' '}
              <button type="button" class="secondary" disabled={busy} aria-describedby={id} onClick={() => { onUnblock(entry); }}>{messages.unblock}</button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
