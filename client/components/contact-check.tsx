// The picked practitioner's fingerprint to compare at the consultation, and where the pin stands: a key
// that changed since it was pinned blocks sharing (ATK-03) until the patient compares again.
import { Fingerprint } from './fingerprint.tsx';
import { useApp } from '../lib/app-context.ts';
import { fill } from '../lib/fill.ts';
import { professionLine } from '../lib/professions.ts';
import type { ContactView } from '../lib/vault-client.ts';

export function ContactCheck({ contact, busy, onVerify }: { contact: ContactView; busy: boolean; onVerify: () => void }) {
  const { messages } = useApp();
  const { entry } = contact;
  return (
    <section aria-labelledby="share-check-title">
      <h2 id="share-check-title">{fill(messages.shareCheckTitle, { name: entry.name })}</h2>
      <p class="practitioner-meta">{professionLine(entry, messages)} · {entry.place}, {entry.city} · {fill(messages.shareRpps, { rpps: entry.rpps })}</p>
      {contact.pin === 'changed' && <p class="alert alert-error" role="alert">{messages.shareKeyChanged}</p>}
      <p>{messages.shareCheckIntro}</p>
      <Fingerprint id="contact-fingerprint" fingerprint={contact.fingerprint} />
      {contact.pin === 'verified'
        ? <p class="alert alert-notice" role="status">{messages.shareVerified}</p>
        : (
          <>
            {contact.pin === 'unverified' && <p class="hint">{messages.shareNotVerified}</p>}
            <button type="button" disabled={busy} onClick={onVerify}>{contact.pin === 'changed' ? messages.shareReverify : messages.shareVerify}</button>
          </>
        )}
    </section>
  );
}
