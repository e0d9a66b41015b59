// The document kinds a French patient knows, as the codes stored in the encrypted metadata
// (crypto/metadata-fields.ts accepts any short code). LOINC document types where one fits; app codes
// (exported under urn:coffre-sante:category by client/cli/fhir.ts) where LOINC has no single match.
import type { Messages } from '../locales/fr.ts';

export interface Category {
  code: string;
  label: keyof Messages;
}

export const CATEGORIES: readonly Category[] = [
  { code: '57833-6', label: 'categoryPrescription' }, // LOINC: Prescription for medication
  { code: '11502-2', label: 'categoryLab' }, // LOINC: Laboratory report
  { code: '18748-4', label: 'categoryImaging' }, // LOINC: Diagnostic imaging study
  { code: '11488-4', label: 'categoryReport' }, // LOINC: Consult note (compte rendu de consultation)
  { code: '11369-6', label: 'categoryVaccination' }, // LOINC: History of Immunization
  { code: 'certificate', label: 'categoryCertificate' }, // no single LOINC type for French certificates
  { code: 'other', label: 'categoryOther' },
];

/** The label of a code in the given language; unknown codes (from another client) are shown as "other". */
export function categoryLabel(code: string, messages: Messages): string {
  const category = CATEGORIES.find((entry) => entry.code === code);
  return messages[category?.label ?? 'categoryOther'];
}
