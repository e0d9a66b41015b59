// Received documents that failed verification (a signature that does not check out, a sender who may not
// add documents): never shown as genuine — no title, no preview — only "Supprimer".
import { useApp } from '../lib/app-context.ts';
import type { QuarantinedView } from '../lib/vault-client.ts';

export function QuarantinedList({ items, busy, onDelete }: { items: QuarantinedView[]; busy: boolean; onDelete: (item: QuarantinedView) => void }) {
  const { messages } = useApp();
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="quarantined-title" class="quarantined">
      <h2 id="quarantined-title">{messages.quarantinedTitle}</h2>
      <p class="hint">{messages.quarantinedIntro}</p>
      <ul class="documents">
        {items.map((item) => {
          const id = `quarantined-${item.documentId}`;
          return (
            <li key={item.documentId} class="document quarantined-item" data-code={item.code} aria-labelledby={id}>
              <p id={id} class="alert alert-warning">{messages.quarantinedItem}</p>
              <div class="actions">
                <button type="button" class="secondary" disabled={busy} aria-describedby={id} onClick={() => { onDelete(item); }}>{messages.delete}</button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
