// The 24 recovery words, shown once after sign-up, and the printable kit (print CSS shows only .recovery-kit).
import { useApp } from '../lib/app-context.ts';

export function RecoveryWords({ accountId, words, onConfirm }: { accountId: string; words: string[]; onConfirm: () => void }) {
  const { messages } = useApp();
  return (
    <section class="recovery" aria-labelledby="recovery-title">
      <div class="recovery-kit">
        <h2 id="recovery-title">{messages.recoveryTitle}</h2>
        <p class="print-only"><strong>{messages.recoveryKitTitle}</strong></p>
        <p class="print-only">{messages.recoveryKitAccount} {accountId}</p>
        <p class="alert alert-warning" role="alert">{messages.recoveryWarning}</p>
        <ol class="recovery-words" data-testid="recovery-words">
          {words.map((word, index) => <li key={index}>{word}</li>)}
        </ol>
        <p class="print-only">{messages.recoveryKitInstructions}</p>
      </div>
      <div class="actions no-print">
        <button type="button" class="secondary" onClick={() => { window.print(); }}>{messages.recoveryPrint}</button>
        <button type="button" onClick={onConfirm}>{messages.recoveryConfirm}</button>
      </div>
    </section>
  );
}
