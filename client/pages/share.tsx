// "Partager": find a practitioner in the directory, compare their key's fingerprint (pinned on first use;
// a key that changed blocks sharing until compared again), choose what to share and until when, in one
// request; below, the current shares and their revocation. Reached from the documents list with
// ?documents=id,id to share those. A practitioner can be blocked (their share revoked, their pending
// documents deleted, no new share) and unblocked. A relative (not in the directory) is reached with a
// sharing code (relative-share.tsx); once they used it and the fingerprints match, the same form, read only.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Alert } from '../components/alert.tsx';
import { BlockedList } from '../components/blocked-list.tsx';
import { ContactCheck } from '../components/contact-check.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { PractitionerSearch } from '../components/practitioner-search.tsx';
import { RelativeShare } from '../components/relative-share.tsx';
import { ShareForm } from '../components/share-form.tsx';
import { ShareList } from '../components/share-list.tsx';
import { useApp } from '../lib/app-context.ts';
import { fill } from '../lib/fill.ts';
import { usePageFailure } from '../lib/use-page-failure.ts';
import { useRequireLogin } from '../lib/use-require-login.ts';
import {
  VaultError, vaultClient, type BlockedView, type ContactView, type DocumentView, type InviteCodeView, type InviteView, type PractitionerEntry, type ShareRole,
  type ShareScope, type ShareView,
} from '../lib/vault-client.ts';

export function Share() {
  const loggedIn = useRequireLogin();
  const { messages } = useApp();
  const { query } = useLocation();
  const fail = usePageFailure();
  const [results, setResults] = useState<PractitionerEntry[] | null>(null);
  const [contact, setContact] = useState<ContactView | null>(null);
  const [documents, setDocuments] = useState<DocumentView[] | null>(null);
  const [shares, setShares] = useState<ShareView[] | null>(null);
  const [blocked, setBlocked] = useState<BlockedView[]>([]);
  const [shareCode, setShareCode] = useState<InviteCodeView | null>(null);
  const [shareInvites, setShareInvites] = useState<InviteView[] | null>(null);
  /** The relative chosen from a used sharing code; exclusive with `contact`. */
  const [relative, setRelative] = useState<InviteView | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const initialDocuments = (query.documents ?? '').split(',').filter((id) => id !== '');

  /** Runs one operation at a time; `working` is what the status line says meanwhile. */
  const run = async (work: () => Promise<void>, working = messages.working) => {
    setBusy(working);
    setError(null);
    setNotice(null);
    try { await work(); } catch (failure) { setError(fail(failure)); } finally { setBusy(null); }
  };
  useEffect(() => {
    if (!loggedIn) return;
    void run(async () => {
      setShares(await vaultClient().call('listShares', {}));
      setBlocked(await vaultClient().call('listBlocked', {}));
      setDocuments(await vaultClient().call('listDocuments', {}));
      setShareInvites(await vaultClient().call('listShareInvites', {}));
    });
  }, [loggedIn]);

  const search = (text: string) => run(async () => { setResults(await vaultClient().call('searchPractitioners', { query: text })); });
  const pick = (entry: PractitionerEntry) => run(async () => {
    setContact(null);
    setRelative(null);
    setContact(await vaultClient().call('practitionerContact', { accountId: entry.accountId }));
  });
  const verify = () => run(async () => {
    if (contact === null) return;
    setContact(await vaultClient().call('verifyContact', { accountId: contact.entry.accountId, qrPayload: contact.fingerprint.qrPayload }));
  });
  const share = (scope: ShareScope, endsAt: number | null, role: ShareRole) => run(async () => {
    if (contact === null) return;
    try {
      await vaultClient().call('shareWith', { recipientAccountId: contact.entry.accountId, scope, endsAt, role });
    } catch (failure) {
      if (failure instanceof VaultError && failure.code === 'KEY_CHANGED') setContact({ ...contact, pin: 'changed' });
      if (failure instanceof VaultError && failure.code === 'CONFLICT' && shares?.some((entry) => entry.recipientAccountId === contact.entry.accountId) === true) {
        setError(messages.shareAlready);
        return;
      }
      throw failure;
    }
    setContact(null);
    setResults(null);
    setShares(await vaultClient().call('listShares', {}));
    setNotice(messages.shareDone);
  }, messages.shareWorking);
  const createShareCode = () => run(async () => {
    setShareCode(await vaultClient().call('createShareInvite', {}));
    setShareInvites(await vaultClient().call('listShareInvites', {}));
  });
  const chooseRelative = (invite: InviteView) => {
    setContact(null);
    setResults(null);
    setRelative(invite);
    setTimeout(() => { document.getElementById('share-relative-title')?.focus(); }, 0);
  };
  /** The relative's proof is checked again in the Worker; the used code goes with the grant (server). */
  const shareWithRelative = (scope: ShareScope, endsAt: number | null) => run(async () => {
    if (relative === null) return;
    await vaultClient().call('shareWithInvitee', { inviteId: relative.inviteId, scope, endsAt });
    setRelative(null);
    setShareCode(null);
    setShares(await vaultClient().call('listShares', {}));
    setShareInvites(await vaultClient().call('listShareInvites', {}));
    setNotice(messages.shareDone);
  }, messages.shareWorking);
  const revoke = (entry: ShareView) => run(async () => {
    await vaultClient().call('revokeShare', { grantId: entry.grantId });
    setShares(await vaultClient().call('listShares', {}));
    setNotice(messages.revoked);
  });
  const block = (entry: ShareView) => run(async () => {
    await vaultClient().call('setBlocked', { accountId: entry.recipientAccountId, blocked: true });
    setShares(await vaultClient().call('listShares', {}));
    setBlocked(await vaultClient().call('listBlocked', {}));
    setNotice(messages.blocked);
  });
  const unblock = (entry: BlockedView) => run(async () => {
    await vaultClient().call('setBlocked', { accountId: entry.accountId, blocked: false });
    setBlocked(await vaultClient().call('listBlocked', {}));
    setNotice(messages.unblocked);
  });

  if (!loggedIn) return null;
  return (
    <>
      <PageTitle>{messages.shareTitle}</PageTitle>
      <p>{messages.shareIntro}</p>
      <Alert text={error} />
      <Alert kind="notice" text={notice} />
      {busy !== null && <p role="status" class="hint">{busy}</p>}
      <PractitionerSearch busy={busy !== null} results={results} onSearch={(text) => { void search(text); }} onPick={(entry) => { void pick(entry); }} />
      {contact !== null && (
        <>
          <ContactCheck contact={contact} busy={busy !== null} onVerify={() => { void verify(); }} />
          {contact.pin !== 'changed' && (
            <section aria-labelledby="share-what-title">
              <h2 id="share-what-title">{messages.shareWhatLegend}</h2>
              <ShareForm documents={documents} initialDocuments={initialDocuments} busy={busy !== null} onShare={(scope, endsAt, role) => { void share(scope, endsAt, role); }} />
            </section>
          )}
        </>
      )}
      <RelativeShare code={shareCode} invites={shareInvites} busy={busy !== null} onCreate={() => { void createShareCode(); }} onChoose={chooseRelative} />
      {relative !== null && relative.invitee !== null && (
        <section class="share-relative" aria-labelledby="share-relative-title">
          <h2 id="share-relative-title" tabIndex={-1}>{fill(messages.shareRelativeTitle, { account: relative.invitee.accountId })}</h2>
          <ShareForm documents={documents} initialDocuments={initialDocuments} busy={busy !== null} allowContributor={false}
            onShare={(scope, endsAt) => { void shareWithRelative(scope, endsAt); }} />
        </section>
      )}
      <ShareList shares={shares} busy={busy !== null} onRevoke={(entry) => { void revoke(entry); }} onBlock={(entry) => { void block(entry); }} />
      <BlockedList blocked={blocked} busy={busy !== null} onUnblock={(entry) => { void unblock(entry); }} />
    </>
  );
}
