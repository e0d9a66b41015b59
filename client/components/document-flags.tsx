// What the documents list says about a document beyond its title: who added it when it was not the
// record's keeper ("Ajouté par Dr X — signature vérifiée": only said once the signature checked out), and
// whether it is hidden; and the buttons that change those.
import { useApp } from '../lib/app-context.ts';
import { fill } from '../lib/fill.ts';
import type { DocumentView } from '../lib/vault-client.ts';

export function DocumentNotes({ document }: { document: DocumentView }) {
  const { messages } = useApp();
  const { addedBy } = document;
  if (addedBy === undefined && document.hidden !== true && document.hiddenFromPractitioners !== true) return null;
  return (
    <ul class="document-notes">
      {addedBy !== undefined && <li class="added-by">{fill(messages.addedBy, { name: addedBy.name ?? addedBy.accountId })}</li>}
      {document.hidden === true && <li>{messages.hiddenNote}</li>}
      {document.hiddenFromPractitioners === true && <li>{messages.hiddenFromPractitionersNote}</li>}
    </ul>
  );
}

export interface DocumentFlagActionsProps {
  document: DocumentView;
  busy: boolean;
  titleId: string;
  onHide: (hidden: boolean) => void;
  onHideFromPractitioners: (hidden: boolean) => void;
}

/** "Masquer" for a document someone else added; "Masquer aux praticiens" for any. */
export function DocumentFlagActions({ document, busy, titleId, onHide, onHideFromPractitioners }: DocumentFlagActionsProps) {
  const { messages } = useApp();
  const hidden = document.hidden === true;
  const withheld = document.hiddenFromPractitioners === true;
  return (
    <>
      {(document.addedBy !== undefined || hidden) && (
        <button type="button" class="secondary" disabled={busy} aria-describedby={titleId} onClick={() => { onHide(!hidden); }}>
          {hidden ? messages.unhide : messages.hide}
        </button>
      )}
      <button type="button" class="secondary" disabled={busy} aria-describedby={titleId} onClick={() => { onHideFromPractitioners(!withheld); }}>
        {withheld ? messages.unhideFromPractitioners : messages.hideFromPractitioners}
      </button>
    </>
  );
}
