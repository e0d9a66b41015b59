// Directory search text: the searchable fields of a profile, lowercased and without accents, so that
// "medecin", "Médecin" and "MÉDECIN" all match with a plain LIKE. The profession is searchable by its
// French and English labels as well as its code.
import type { PractitionerProfile, Profession } from '../../shared/practitioners.ts';

const PROFESSION_LABELS: Record<Profession, string> = {
  'medecin-generaliste': 'médecin généraliste general practitioner doctor',
  'medecin-specialiste': 'médecin spécialiste specialist doctor',
  'chirurgien-dentiste': 'chirurgien-dentiste dentiste dentist',
  'sage-femme': 'sage-femme midwife',
  pharmacien: 'pharmacien pharmacienne pharmacist',
  infirmier: 'infirmier infirmière nurse',
  'masseur-kinesitherapeute': 'masseur-kinésithérapeute kinésithérapeute kiné physiotherapist',
  psychologue: 'psychologue psychologist',
  autre: 'autre other',
};

/** Lowercase, accents removed (NFD then combining marks dropped), whitespace collapsed. */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

export function searchTextOf(profile: PractitionerProfile): string {
  const parts = [profile.name, profile.profession, PROFESSION_LABELS[profile.profession], profile.specialty, profile.place, profile.city, profile.rpps];
  // One field per line: a word cannot match across two fields.
  return parts.map(foldForSearch).join('\n');
}

/** The words of a query, folded; LIKE wildcards are escaped by the caller. */
export function queryWords(q: string): string[] {
  return foldForSearch(q).split(' ').filter((word) => word.length > 0);
}
