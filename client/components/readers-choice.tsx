// On "Ajouter des documents" for a relative's record: who will read what is added. A confidential document
// goes to the person's own vault, encrypted for their keys alone, because a record's keys are held by every
// co-manager: keeping a teenager's document from their parents cannot be a flag the server enforces.
import { useApp } from '../lib/app-context.ts';
import { fill } from '../lib/fill.ts';

interface Props {
  /** The record's name, as its co-managers see it. */
  recordName: string;
  confidential: boolean;
  disabled: boolean;
  onChange: (confidential: boolean) => void;
}

export function ReadersChoice({ recordName, confidential, disabled, onChange }: Props) {
  const { messages } = useApp();
  const radio = (value: boolean, label: string) => (
    <label class="choice">
      <input type="radio" name="readers" checked={confidential === value} disabled={disabled}
        aria-describedby={value ? 'readers-confidential-hint' : undefined} onChange={() => { onChange(value); }} />
      {label}
    </label>
  );
  return (
    <fieldset class="choices">
      <legend>{messages.readersLegend}</legend>
      {radio(false, fill(messages.readersRecord, { name: recordName }))}
      {radio(true, messages.readersConfidential)}
      <p id="readers-confidential-hint" class="hint">{fill(messages.readersConfidentialHint, { name: recordName })}</p>
    </fieldset>
  );
}
