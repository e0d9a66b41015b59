// The 24 recovery words, shown once after sign-up, and the printable kit (print CSS shows only .recovery-kit).
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from '../lib/app-context.ts';
import type { Locale } from '../lib/use-locale.ts';

interface RecoveryWordsProps {
  accountId: string;
  words: string[];
  /** The language of the word list (chosen at sign-up), which may differ from the interface's later on. */
  wordsLocale: Locale;
  onConfirm: () => void;
}

export function RecoveryWords({ accountId, words, wordsLocale, onConfirm }: RecoveryWordsProps) {
  const { messages } = useApp();
  // The form that was submitted is gone: the focus moves to the words' heading, so they are read next.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => { heading.current?.focus(); }, []);
  return (
    <section class="recovery" aria-labelledby="recovery-title">
      <div class="recovery-kit">
        <h2 id="recovery-title" ref={heading} tabIndex={-1}>{messages.recoveryTitle}</h2>
        <p class="print-only"><strong>{messages.recoveryKitTitle}</strong></p>
        <p class="print-only">{messages.recoveryKitAccount} {accountId}</p>
        <p class="alert alert-warning" role="alert">{messages.recoveryWarning}</p>
        <ol class="recovery-words" data-testid="recovery-words" lang={wordsLocale}>
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
