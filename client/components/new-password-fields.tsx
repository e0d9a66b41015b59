// A new password typed twice, with its hint (and at sign-up a strength estimate read out politely): one
// markup for sign-up, recovery and password change, so the three forms label and describe it alike.
import { MIN_PASSWORD_LENGTH } from '../lib/password-strength.ts';

interface NewPasswordFieldsProps {
  /** Prefix of the element ids, unique in the page. */
  idPrefix: string;
  label: string;
  againLabel: string;
  hint: string;
  password: string;
  again: string;
  onPassword: (value: string) => void;
  onAgain: (value: string) => void;
  /** A strength estimate to announce under the field (sign-up). */
  strength?: string;
}

export function NewPasswordFields(props: NewPasswordFieldsProps) {
  const { idPrefix, strength } = props;
  const describedBy = strength === undefined ? `${idPrefix}-password-hint` : `${idPrefix}-password-hint ${idPrefix}-strength`;
  return (
    <>
      <label for={`${idPrefix}-password`}>{props.label}</label>
      <input id={`${idPrefix}-password`} type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH}
        value={props.password} aria-describedby={describedBy} onInput={(event) => { props.onPassword(event.currentTarget.value); }} />
      <p id={`${idPrefix}-password-hint`} class="hint">{props.hint}</p>
      {strength !== undefined && <p id={`${idPrefix}-strength`} class="hint" aria-live="polite">{strength}</p>}
      <label for={`${idPrefix}-again`}>{props.againLabel}</label>
      <input id={`${idPrefix}-again`} type="password" autoComplete="new-password" required value={props.again}
        onInput={(event) => { props.onAgain(event.currentTarget.value); }} />
    </>
  );
}
