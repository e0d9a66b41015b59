// The professions of the directory (shared/practitioners.ts) with the label a patient reads.
import type { Messages } from '../locales/fr.ts';
import { PROFESSIONS, type Profession } from '../../shared/practitioners.ts';

const LABELS: Record<Profession, keyof Messages> = {
  'medecin-generaliste': 'professionMedecinGeneraliste',
  'medecin-specialiste': 'professionMedecinSpecialiste',
  'chirurgien-dentiste': 'professionChirurgienDentiste',
  'sage-femme': 'professionSageFemme',
  pharmacien: 'professionPharmacien',
  infirmier: 'professionInfirmier',
  'masseur-kinesitherapeute': 'professionMasseurKinesitherapeute',
  psychologue: 'professionPsychologue',
  autre: 'professionAutre',
};

export { PROFESSIONS };

export function professionLabel(profession: Profession, messages: Messages): string {
  return messages[LABELS[profession]];
}

/** "Médecin spécialiste — cardiologie", or the profession alone. */
export function professionLine(entry: { profession: Profession; specialty: string }, messages: Messages): string {
  const label = professionLabel(entry.profession, messages);
  return entry.specialty.trim() === '' ? label : `${label} — ${entry.specialty}`;
}
