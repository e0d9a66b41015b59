// One relative's record on "Mes proches": who manages it (remove a co-manager, or leave), invite another
// caregiver (a code to give out of band), and the invitations: once one is used, the invitee's key
// fingerprint to compare before "Ajouter comme co-gestionnaire" (optional start and end dates).
import { useEffect, useState } from 'preact/hooks';
import { Alert } from './alert.tsx';
import { InviteCode } from './invite-code.tsx';
import { PendingInvite } from './pending-invite.tsx';
import { useApp } from '../lib/app-context.ts';
import { formatDay } from '../lib/dates.ts';
import { fill } from '../lib/fill.ts';
import { usePageFailure } from '../lib/use-page-failure.ts';
import type { Messages } from '../locales/fr.ts';
import { vaultClient, type InviteCodeView, type InviteView, type ManagerView } from '../lib/vault-client.ts';

export function RecordManagers({ vaultId, name }: { vaultId: string; name: string }) {
  const { messages, locale, refreshVaults } = useApp();
  const fail = usePageFailure();
  const [managers, setManagers] = useState<ManagerView[] | null>(null);
  const [invites, setInvites] = useState<InviteView[] | null>(null);
  const [code, setCode] = useState<InviteCodeView | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try { await work(); } catch (failure) { setError(fail(failure)); } finally { setBusy(false); }
  };
  const load = async () => {
    setManagers(await vaultClient().call('listManagers', { vaultId }));
    setInvites(await vaultClient().call('listInvites', { vaultId }));
  };
  useEffect(() => { void run(load); }, [vaultId]);

  const invite = () => run(async () => {
    setCode(await vaultClient().call('createInvite', { vaultId }));
    setInvites(await vaultClient().call('listInvites', { vaultId }));
  });
  const add = (inviteId: string, startsAt: number | null, endsAt: number | null) => run(async () => {
    await vaultClient().call('addManager', { vaultId, inviteId, startsAt, endsAt });
    setCode(null);
    await load();
    setNotice(messages.managerAdded);
  });
  const remove = (manager: ManagerView) => run(async () => {
    await vaultClient().call('removeManager', { vaultId, accountId: manager.accountId });
    if (manager.self) { await refreshVaults(); return; }
    await load();
    setNotice(messages.managerRemoved);
  });

  const id = `record-${vaultId}`;
  const pending = invites ?? [];
  return (
    <section class="record" aria-labelledby={id}>
      <h2 id={id}>{name}</h2>
      <Alert text={error} />
      <Alert kind="notice" text={notice} />
      <h3>{messages.managersTitle}</h3>
      {managers === null && error === null && <p role="status">{messages.loading}</p>}
      <ul class="managers">
        {managers?.map((manager) => {
          const whoId = `${id}-manager-${manager.accountId}`;
          const who = manager.self ? fill(messages.managerSelf, { account: manager.accountId }) : manager.accountId;
          return (
            <li key={manager.accountId} class="manager" aria-labelledby={whoId}>
              <span id={whoId} class="manager-who">{who}</span>
              <span class="hint"> {datesText(manager, messages, locale)}</span>
              {confirming === manager.accountId
                ? (
                  <div class="confirm" role="group" aria-labelledby={`${whoId}-confirm`}>
                    <p id={`${whoId}-confirm`}><strong>{manager.self ? fill(messages.leaveConfirm, { name }) : fill(messages.managerRemoveConfirm, { account: manager.accountId })}</strong></p>
                    <p class="alert alert-warning">{manager.self ? messages.leaveWarning : messages.managerRemoveWarning}</p>
                    <div class="actions">
                      <button type="button" class="danger" disabled={busy} onClick={() => { setConfirming(null); void remove(manager); }}>{manager.self ? messages.leaveYes : messages.managerRemoveYes}</button>
                      <button type="button" class="secondary" onClick={() => { setConfirming(null); }}>{messages.revokeNo}</button>
                    </div>
                  </div>
                )
                : (
                  <div class="actions">
                    <button type="button" class="secondary" disabled={busy} aria-describedby={whoId} onClick={() => { setConfirming(manager.accountId); }}>
                      {manager.self ? messages.leaveRecord : messages.managerRemove}
                    </button>
                  </div>
                )}
            </li>
          );
        })}
      </ul>
      <h3>{messages.invitesTitle}</h3>
      <p class="hint">{messages.invitesIntro}</p>
      <div class="actions">
        <button type="button" disabled={busy} onClick={() => { void invite(); }}>{messages.inviteCreate}</button>
      </div>
      {code !== null && <InviteCode id={`${id}-code`} invite={code} />}
      {pending.length > 0 && (
        <ul class="invites">
          {pending.map((entry) => <PendingInvite key={entry.inviteId} invite={entry} busy={busy} onAdd={(startsAt, endsAt) => { void add(entry.inviteId, startsAt, endsAt); }} />)}
        </ul>
      )}
    </section>
  );
}

function datesText(manager: ManagerView, messages: Messages, locale: string): string {
  if (manager.startsAt === null && manager.endsAt === null) return '';
  const from = manager.startsAt === null ? '' : fill(messages.managerFrom, { date: formatDay(manager.startsAt, locale) });
  const until = manager.endsAt === null ? '' : fill(messages.managerUntil, { date: formatDay(manager.endsAt, locale) });
  return [from, until].filter((part) => part !== '').join(' ');
}
