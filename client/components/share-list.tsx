// "Mes partages en cours": with whom, what, until when, whether the fingerprint was checked, and "Révoquer"
// behind a confirmation that says plainly what revoking cannot do.
import { useState } from 'preact/hooks';
import { useApp } from '../lib/app-context.ts';
import { categoryLabel } from '../lib/categories.ts';
import { formatDay } from '../lib/dates.ts';
import { fill } from '../lib/fill.ts';
import type { Messages } from '../locales/fr.ts';
import type { PinState, ShareView } from '../lib/vault-client.ts';

const PIN_TEXT: Record<PinState, keyof Messages> = { verified: 'shareCheckVerified', unverified: 'shareCheckUnverified', changed: 'shareCheckChanged' };

export function ShareList({ shares, busy, onRevoke }: { shares: ShareView[] | null; busy: boolean; onRevoke: (share: ShareView) => void }) {
  const { messages } = useApp();
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <section aria-labelledby="shares-title">
      <h2 id="shares-title">{messages.sharesTitle}</h2>
      {shares === null && <p role="status">{messages.loading}</p>}
      {shares?.length === 0 && <p>{messages.sharesEmpty}</p>}
      <ul class="shares">
        {shares?.map((share) => {
          const who = share.name ?? share.recipientAccountId;
          const whoId = `share-${share.grantId}`;
          return (
            <li key={share.grantId} class="share" aria-labelledby={whoId}>
              <h3 id={whoId} class="share-who">{who}</h3>
              <dl class="share-facts">
                <dt>{messages.sharesWhat}</dt><dd>{scopeText(share, messages)}</dd>
                <dt>{messages.sharesUntil}</dt><dd><Until endsAt={share.endsAt} active={share.active} /></dd>
                <dt>{messages.sharesCheck}</dt><dd class={`pin-${share.pin}`}>{messages[PIN_TEXT[share.pin]]}</dd>
              </dl>
              {confirming === share.grantId
                ? (
                  <div class="confirm" role="group" aria-labelledby={`${whoId}-confirm`} aria-describedby={`${whoId}-warning`}>
                    <p id={`${whoId}-confirm`}><strong>{fill(messages.revokeConfirm, { name: who })}</strong></p>
                    <p id={`${whoId}-warning`} class="alert alert-warning">{messages.revokeWarning}</p>
                    <div class="actions">
                      <button type="button" class="danger" disabled={busy} onClick={() => { setConfirming(null); onRevoke(share); }}>{messages.revokeYes}</button>
                      <button type="button" class="secondary" onClick={() => { setConfirming(null); }}>{messages.revokeNo}</button>
                    </div>
                  </div>
                )
                : <div class="actions"><button type="button" class="secondary" disabled={busy} aria-describedby={whoId} onClick={() => { setConfirming(share.grantId); }}>{messages.revoke}</button></div>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The end date; "Terminé le …" once the share ended (the signed share's date passed on this device's clock). */
function Until({ endsAt, active }: { endsAt: number | null; active: boolean }) {
  const { messages, locale } = useApp();
  if (endsAt === null) return <>{messages.shareNoEnd}</>;
  const text = formatDay(endsAt, locale);
  return <time dateTime={new Date(endsAt).toISOString()}>{active ? text : fill(messages.shareEndedOn, { date: text })}</time>;
}

function scopeText(share: ShareView, messages: Messages): string {
  const { scope } = share;
  if (scope.kind === 'all') return messages.shareScopeAll;
  if (scope.kind === 'categories') return fill(messages.shareScopeCategories, { list: scope.categories.map((code) => categoryLabel(code, messages)).join(', ') });
  return fill(messages.shareScopeDocuments, { count: scope.documentCount });
}
