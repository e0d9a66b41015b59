// "Partager avec un proche" on "Partager": a relative is not in the directory, so the patient creates a
// sharing code (text and QR, with its expiry) to give in person or by a trusted channel. Once the relative
// used it, their key's fingerprint is shown to compare with their "Mon compte" page before "Partager avec
// ce proche" (a server that slipped in its own key would show another number, or fail the proof: ATK-03).
import { Fingerprint } from './fingerprint.tsx';
import { InviteCode } from './invite-code.tsx';
import { useApp } from '../lib/app-context.ts';
import { formatMoment } from '../lib/dates.ts';
import { fill } from '../lib/fill.ts';
import type { InviteCodeView, InviteView } from '../lib/vault-client.ts';

export interface RelativeShareProps {
  /** The code just created, shown once. */
  code: InviteCodeView | null;
  invites: InviteView[] | null;
  busy: boolean;
  onCreate: () => void;
  onChoose: (invite: InviteView) => void;
}

export function RelativeShare({ code, invites, busy, onCreate, onChoose }: RelativeShareProps) {
  const { messages } = useApp();
  const listed = invites ?? [];
  return (
    <section aria-labelledby="relative-share-title">
      <h2 id="relative-share-title">{messages.relativeShareTitle}</h2>
      <p>{messages.relativeShareIntro}</p>
      <div class="actions">
        <button type="button" disabled={busy} onClick={onCreate}>{messages.shareCodeCreate}</button>
      </div>
      {code !== null && <InviteCode id="share-code" invite={code} purpose="share" />}
      {listed.length > 0 && (
        <>
          <h3>{messages.shareInvitesTitle}</h3>
          <ul class="invites">
            {listed.map((invite) => <ShareInviteItem key={invite.inviteId} invite={invite} busy={busy} onChoose={() => { onChoose(invite); }} />)}
          </ul>
        </>
      )}
    </section>
  );
}

function ShareInviteItem({ invite, busy, onChoose }: { invite: InviteView; busy: boolean; onChoose: () => void }) {
  const { messages, locale } = useApp();
  if (invite.status === 'refused') return <li class="invite"><p class="alert alert-warning">{messages.inviteRefused}</p></li>;
  if (invite.invitee === null) {
    return <li class="invite"><p>{messages.inviteWaiting} <span class="hint">{fill(messages.inviteExpires, { date: formatMoment(invite.expiresAt, locale) })}</span></p></li>;
  }
  const id = `share-invite-${invite.inviteId}`;
  return (
    <li class="invite" aria-labelledby={`${id}-who`}>
      <h4 id={`${id}-who`}>{fill(messages.shareInviteUsedBy, { account: invite.invitee.accountId })}</h4>
      <p>{messages.shareInviteCompare}</p>
      <Fingerprint id={`${id}-fingerprint`} fingerprint={invite.invitee.fingerprint} />
      <div class="actions">
        <button type="button" disabled={busy} aria-describedby={`${id}-who`} onClick={onChoose}>{messages.shareWithRelative}</button>
      </div>
    </li>
  );
}
