// "Historique des accès": who read which document's key or content, and when, newest first. Titles come
// from the decrypted list; a document deleted since shows as such. The history is read before the list,
// so the list's own key reads appear only on the next visit. A practitioner who read a shared document is
// named as in the directory when one of the current shares is theirs, else by account id.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Alert } from '../components/alert.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { useApp } from '../lib/app-context.ts';
import { errorMessage, isSessionLost } from '../lib/error-message.ts';
import { useRequireLogin } from '../lib/use-require-login.ts';
import { vaultClient, type AccessEvent } from '../lib/vault-client.ts';

interface Row {
  event: AccessEvent;
  title: string | null;
}

/** Directory names of the current shares' recipients; none if the shares cannot be read (the history still shows). */
async function recipientNames(): Promise<Map<string, string>> {
  try {
    const shares = await vaultClient().call('listShares', {});
    return new Map(shares.flatMap((share) => (share.name === null ? [] : [[share.recipientAccountId, share.name] as const])));
  } catch {
    return new Map();
  }
}

export function History() {
  const loggedIn = useRequireLogin();
  const { messages, locale, accountId, setAccountId } = useApp();
  const { route } = useLocation();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!loggedIn) return;
    const load = async () => {
      const events = await vaultClient().call('history', {});
      const documents = await vaultClient().call('listDocuments', {});
      const titles = new Map(documents.map((entry) => [entry.documentId, entry.metadata.title]));
      setNames(await recipientNames());
      setRows(events.slice().reverse().map((event) => ({ event, title: titles.get(event.documentId) ?? null })));
    };
    load().catch((failure: unknown) => {
      if (isSessionLost(failure)) { setAccountId(null); route('/connexion'); return; }
      setError(errorMessage(failure, messages));
    });
  }, [loggedIn]);

  if (!loggedIn) return null;
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <>
      <PageTitle>{messages.historyTitle}</PageTitle>
      <p>{messages.historyIntro}</p>
      <p class="hint">{messages.historyLimits}</p>
      <Alert text={error} />
      {rows === null && error === null && <p role="status">{messages.loading}</p>}
      {rows?.length === 0 && <p>{messages.historyEmpty}</p>}
      {rows !== null && rows.length > 0 && (
        // Should the table still be wider than a small screen, this region scrolls, and Tab reaches it so
        // that the arrow keys scroll it too.
        <div class="table-scroll" role="region" aria-label={messages.historyTitle} tabIndex={0}>
          <table class="history">
            <thead>
              <tr><th scope="col">{messages.historyWhen}</th><th scope="col">{messages.historyWho}</th><th scope="col">{messages.historyWhat}</th><th scope="col">{messages.historyDocument}</th></tr>
            </thead>
            <tbody>
              {rows.map(({ event, title }) => (
                <tr key={event.eventId}>
                  <td><time dateTime={new Date(event.at).toISOString()}>{when.format(event.at)}</time></td>
                  <td>{event.actorAccountId === accountId ? messages.historyYou : names.get(event.actorAccountId) ?? event.actorAccountId}</td>
                  <td>{event.action === 'payload-read' ? messages.historyPayloadRead : messages.historyEnvelopeRead}</td>
                  <td>{title ?? messages.historyDeletedDocument}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
