/** A failure or a notice, announced by screen readers; renders nothing without text. */
export function Alert({ text, kind = 'error' }: { text: string | null; kind?: 'error' | 'notice' }) {
  if (text === null) return null;
  return kind === 'error'
    ? <p class="alert alert-error" role="alert">{text}</p>
    : <p class="alert alert-notice" role="status">{text}</p>;
}
