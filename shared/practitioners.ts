// Practitioners: a public directory (name, profession, place of practice, RPPS number) that patients
// search to share with. Everything here is public professional data; nothing about patients is. The
// server checks the RPPS number's form (11 digits, Luhn key) but cannot check that it belongs to the
// person: patients compare the key fingerprint at the consultation (crypto/fingerprint.ts, ATK-03).
import { z } from 'zod';
import { bytesField } from './binary.ts';
import { accountIdSchema } from './ids.ts';
import { MAX_PUBLIC_BUNDLE_BYTES } from './accounts.ts';

export const PROFESSIONS = [
  'medecin-generaliste', 'medecin-specialiste', 'chirurgien-dentiste', 'sage-femme', 'pharmacien',
  'infirmier', 'masseur-kinesitherapeute', 'psychologue', 'autre',
] as const;
export type Profession = (typeof PROFESSIONS)[number];

/** RPPS: 11 digits whose last one is a Luhn key over the whole number. */
export function isValidRpps(value: string): boolean {
  if (!/^[0-9]{11}$/.test(value)) return false;
  let sum = 0;
  for (let index = 0; index < 11; index += 1) {
    let digit = value.charCodeAt(10 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- the same characters, every one of them
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const displayText = (max: number) => z.string().trim().min(1).max(max).refine((text) => !CONTROL.test(text) && text.normalize('NFC') === text);

export const rppsSchema = z.string().refine(isValidRpps);

export const practitionerProfileSchema = z.strictObject({
  /** As the practitioner wants it shown: "Dr Claire Martin". */
  name: displayText(120),
  profession: z.enum(PROFESSIONS),
  /** Free text when profession is 'medecin-specialiste' or 'autre' ("cardiologie"), else empty. */
  specialty: z.string().max(120).refine((text) => !CONTROL.test(text)),
  rpps: rppsSchema,
  /** Place of practice: "Cabinet médical des Lilas, 12 rue des Lilas". */
  place: displayText(200),
  city: displayText(100),
});

/** PUT /api/accounts/me/practitioner-profile: 204; 403 NOT_A_PRACTITIONER unless the account's bundle has role practitioner; 409 RPPS_TAKEN. */
export const putPractitionerProfileRequestSchema = practitionerProfileSchema;

export const practitionerEntrySchema = practitionerProfileSchema.extend({ accountId: accountIdSchema });

/** GET /api/practitioners?q=&limit=: session; up to `limit` (1..50, default 20) entries matching every word of q. */
export const searchPractitionersQuerySchema = z.strictObject({
  /** Control characters (a pasted tab, a NUL) separate words like spaces; PostgreSQL refuses a NUL in text. */
  q: z.string().max(200).transform((text) => text.replace(CONTROLS, ' ')),
  limit: z.string().regex(/^\d{1,2}$/).transform(Number).pipe(z.number().int().min(1).max(50)).optional(),
});
export const searchPractitionersResponseSchema = z.strictObject({ practitioners: z.array(practitionerEntrySchema) });

/** GET /api/practitioners/:accountId: the entry with its self-signed public bundle, which the client pins. */
export const practitionerResponseSchema = z.strictObject({
  practitioner: practitionerEntrySchema,
  publicBundle: bytesField(MAX_PUBLIC_BUNDLE_BYTES, 1),
});

export type PractitionerProfile = z.infer<typeof practitionerProfileSchema>;
export type PractitionerEntry = z.infer<typeof practitionerEntrySchema>;
export type SearchPractitionersResponse = z.infer<typeof searchPractitionersResponseSchema>;
export type PractitionerResponse = z.infer<typeof practitionerResponseSchema>;
