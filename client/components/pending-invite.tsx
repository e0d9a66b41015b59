// One invitation of a record: waiting for its code to be used, or used — then the invitee's account and
// the fingerprint of their keys, to compare with what their own "Mon compte" page shows before adding them
// (a server that slipped in its own key would show another number: ATK-03). Optional start and end dates.
import { useState } from 'preact/hooks';
import { Alert } from './alert.tsx';
import { Fingerprint } from './fingerprint.tsx';
import { useApp } from '../lib/app-context.ts';
import { endOfDay, formatMoment, startOfDay, todayIso } from '../lib/dates.ts';
import { fill } from '../lib/fill.ts';
import type { InviteView } from '../lib/vault-client.ts';

export interface PendingInviteProps {
  invite: InviteView;
  busy: boolean;
  onAdd: (startsAt: number | null, endsAt: number | null) => void;
}

export function PendingInvite({ invite, busy, onAdd }: PendingInviteProps) {
  const { messages, locale } = useApp();
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = `invite-${invite.inviteId}`;
  const expires = fill(messages.inviteExpires, { date: formatMoment(invite.expiresAt, locale) });
  if (invite.status === 'refused') {
    return <li class="invite"><p class="alert alert-warning">{messages.inviteRefused}</p></li>;
  }
  if (invite.invitee === null) {
    return <li class="invite"><p>{messages.inviteWaiting} <span class="hint">{expires}</span></p></li>;
  }
  const { invitee } = invite;
  const submit = (event: Event) => {
    event.preventDefault();
    const startsAt = start === '' ? null : startOfDay(start);
    const endsAt = end === '' ? null : endOfDay(end);
    if ((startsAt !== null && Number.isNaN(startsAt)) || (endsAt !== null && (Number.isNaN(endsAt) || endsAt <= Date.now()))) { setError(messages.managerDatesInvalid); return; }
    if (startsAt !== null && endsAt !== null && endsAt <= startsAt) { setError(messages.managerDatesInvalid); return; }
    setError(null);
    onAdd(startsAt, endsAt);
  };
  return (
    <li class="invite" aria-labelledby={`${id}-who`}>
      <h4 id={`${id}-who`}>{fill(messages.inviteUsedBy, { account: invitee.accountId })}</h4>
      <p>{messages.inviteCompare}</p>
      <Fingerprint id={`${id}-fingerprint`} fingerprint={invitee.fingerprint} />
      <form class="stack" onSubmit={submit}>
        <label for={`${id}-start`}>{messages.managerStartLabel}</label>
        <input id={`${id}-start`} type="date" min={todayIso()} value={start} onInput={(event) => { setStart(event.currentTarget.value); }} />
        <label for={`${id}-end`}>{messages.managerEndLabel}</label>
        <input id={`${id}-end`} type="date" min={todayIso()} value={end} aria-describedby={`${id}-dates-hint`} onInput={(event) => { setEnd(event.currentTarget.value); }} />
        <p id={`${id}-dates-hint`} class="hint">{messages.managerDatesHint}</p>
        <Alert text={error} />
        <button type="submit" disabled={busy}>{messages.managerAdd}</button>
      </form>
    </li>
  );
}
