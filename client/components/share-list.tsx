// "Mes partages en cours": with whom, what, until when, whether the fingerprint was checked, and "Révoquer"
// behind a confirmation that says plainly what revoking cannot do; whether they may add documents; and
// "Bloquer ce praticien" (a relative, who has no directory name: "Bloquer cette personne") behind a
// confirmation that says what blocking does.
import { useState } from 'preact/hooks';
import { useApp } from '../lib/app-context.ts';
import { categoryLabel } from '../lib/categories.ts';
import { formatDay } from '../lib/dates.ts';
import { fill } from '../lib/fill.ts';
import type { Messages } from '../locales/fr.ts';
import type { PinState, ShareView } from '../lib/vault-client.ts';

const PIN_TEXT: Record<PinState, keyof Messages> = { verified: 'shareCheckVerified', unverified: 'shareCheckUnverified', changed: 'shareCheckChanged' };

export interface ShareListProps {
  shares: ShareView[] | null;
  busy: boolean;
  onRevoke: (share: ShareView) => void;
  onBlock: (share: ShareView) => void;
}

export function ShareList({ shares, busy, onRevoke, onBlock }: ShareListProps) {
  const { messages } = useApp();
  /** The grant whose revocation or blocking awaits confirmation. */
  const [confirming, setConfirming] = useState<{ grantId: string; action: 'revoke' | 'block' } | null>(null);
  return (
    <section aria-labelledby="shares-title">
      <h2 id="shares-title">{messages.sharesTitle}</h2>
      {shares === null && <p role="status">{messages.loading}</p>}
      {shares?.length === 0 && <p>{messages.sharesEmpty}</p>}
      <ul class="shares">
        {shares?.map((share) => {
          const who = share.name ?? share.recipientAccountId;
          const whoId = `share-${share.grantId}`;
          const pending = confirming?.grantId === share.grantId ? confirming.action : null;
          return (
            <li key={share.grantId} class="share" aria-labelledby={whoId}>
              <h3 id={whoId} class="share-who">{who}</h3>
              <dl class="share-facts">
                <dt>{messages.sharesWhat}</dt><dd>{scopeText(share, messages)}</dd>
                <dt>{messages.sharesUntil}</dt><dd><Until endsAt={share.endsAt} active={share.active} /></dd>
                <dt>{messages.sharesCheck}</dt><dd class={`pin-${share.pin}`}>{messages[PIN_TEXT[share.pin]]}</dd>
                <dt>{messages.sharesContributor}</dt><dd>{share.role === 'contributor' ? messages.sharesContributorYes : messages.sharesContributorNo}</dd>
              </dl>
              {pending === 'block' && (
                <div class="confirm" role="group" aria-labelledby={`${whoId}-block`} aria-describedby={`${whoId}-block-warning`}>
                  <p id={`${whoId}-block`}><strong>{fill(messages.blockConfirm, { name: who })}</strong></p>
                  <p id={`${whoId}-block-warning`} class="alert alert-warning">{messages.blockWarning}</p>
                  <div class="actions">
                    <button type="button" class="danger" disabled={busy} onClick={() => { setConfirming(null); onBlock(share); }}>{messages.blockYes}</button>
                    <button type="button" class="secondary" onClick={() => { setConfirming(null); }}>{messages.revokeNo}</button>
                  </div>
                </div>
              )}
              {pending === 'revoke' && (
                <div class="confirm" role="group" aria-labelledby={`${whoId}-confirm`} aria-describedby={`${whoId}-warning`}>
                  <p id={`${whoId}-confirm`}><strong>{fill(messages.revokeConfirm, { name: who })}</strong></p>
                  <p id={`${whoId}-warning`} class="alert alert-warning">{messages.revokeWarning}</p>
                  <div class="actions">
                    <button type="button" class="danger" disabled={busy} onClick={() => { setConfirming(null); onRevoke(share); }}>{messages.revokeYes}</button>
                    <button type="button" class="secondary" onClick={() => { setConfirming(null); }}>{messages.revokeNo}</button>
                  </div>
                </div>
              )}
              {pending === null && (
                <div class="actions">
                  <button type="button" class="secondary" disabled={busy} aria-describedby={whoId} onClick={() => { setConfirming({ grantId: share.grantId, action: 'revoke' }); }}>{messages.revoke}</button>
                  <button type="button" class="secondary" disabled={busy} aria-describedby={whoId} onClick={() => { setConfirming({ grantId: share.grantId, action: 'block' }); }}>{share.name === null ? messages.blockPerson : messages.block}</button>
                </div>
              )}
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
