// The practitioner directory: a practitioner (the role in their self-signed public bundle) publishes a
// profile; any signed-in account searches it. Patients are never listed, their bundles never served here.
import { and, asc, eq, like, ne, sql, type SQL } from 'drizzle-orm';
import { isCryptoError } from '../../crypto/errors.ts';
import { verifyPublicBundle } from '../../crypto/identity.ts';
import { toBase64url } from '../../shared/binary.ts';
import type { PractitionerEntry, PractitionerProfile, PractitionerResponse, Profession } from '../../shared/practitioners.ts';
import { ApiError } from '../http-error.ts';
import { first } from '../storage/database.ts';
import type { practitionerProfiles } from '../storage/schema.ts';
import type { Deps } from './deps.ts';
import { queryWords, searchTextOf } from './practitioner-search.ts';

type ProfileRow = typeof practitionerProfiles.$inferSelect;

/** True when the stored bundle verifies and says practitioner; a bundle that does not verify is no practitioner. */
export function isPractitionerBundle(bundle: Uint8Array): boolean {
  try {
    return verifyPublicBundle(bundle).role === 'practitioner';
  } catch (error) {
    if (isCryptoError(error)) return false;
    throw error;
  }
}

/** Creates or replaces the caller's profile. NOT_A_PRACTITIONER, RPPS_TAKEN. */
export async function putPractitionerProfile(deps: Deps, accountId: string, profile: PractitionerProfile): Promise<void> {
  const row: ProfileRow = { accountId, ...profile, searchText: searchTextOf(profile), updatedAt: deps.clock() };
  await deps.storage.transaction(async (tx) => {
    const { accounts, practitionerProfiles } = tx.tables;
    const account = first(await tx.select({ publicBundle: accounts.publicBundle }).from(accounts).where(eq(accounts.id, accountId)).limit(1));
    if (account === undefined || !isPractitionerBundle(new Uint8Array(account.publicBundle))) throw new ApiError('NOT_A_PRACTITIONER');
    const taken = first(await tx.select({ accountId: practitionerProfiles.accountId }).from(practitionerProfiles)
      .where(and(eq(practitionerProfiles.rpps, profile.rpps), ne(practitionerProfiles.accountId, accountId))).limit(1));
    if (taken !== undefined) throw new ApiError('RPPS_TAKEN');
    await tx.insert(practitionerProfiles).values(row).onConflictDoUpdate({ target: practitionerProfiles.accountId, set: row });
  });
}

function entryOf(row: ProfileRow): PractitionerEntry {
  return {
    accountId: row.accountId,
    name: row.name,
    profession: row.profession as Profession,
    specialty: row.specialty,
    rpps: row.rpps,
    place: row.place,
    city: row.city,
  };
}

const escapeLike = (word: string) => word.replace(/[\\%_]/g, (char) => `\\${char}`);

/**
 * Profiles whose search text contains every word of q; empty q → none. Ordered by name. The stored text and
 * the words are both folded to lower case (practitioner-search.ts), so LIKE matches alike on SQLite (case-
 * insensitive for ASCII) and PostgreSQL (case-sensitive).
 */
export async function searchPractitioners(deps: Deps, q: string, limit: number): Promise<PractitionerEntry[]> {
  const words = queryWords(q);
  if (words.length === 0) return [];
  const { practitionerProfiles } = deps.storage.tables;
  const conditions: SQL[] = words.map((word) => like(practitionerProfiles.searchText, `%${escapeLike(word)}%`));
  // LIKE's ESCAPE clause, which drizzle's like() does not write (the same on both engines).
  const escaped = conditions.map((condition) => sql`${condition} ESCAPE '\\'`);
  const rows = await deps.storage.read.select().from(practitionerProfiles).where(and(...escaped))
    .orderBy(asc(practitionerProfiles.name), asc(practitionerProfiles.accountId)).limit(limit);
  return rows.map(entryOf);
}

/** The profile with its bundle; NOT_FOUND without a profile or when the bundle is no longer a practitioner's. */
export async function practitionerById(deps: Deps, accountId: string): Promise<PractitionerResponse> {
  const { accounts, practitionerProfiles } = deps.storage.tables;
  const row = first(await deps.storage.read.select({ profile: practitionerProfiles, publicBundle: accounts.publicBundle })
    .from(practitionerProfiles).innerJoin(accounts, eq(accounts.id, practitionerProfiles.accountId))
    .where(eq(practitionerProfiles.accountId, accountId)).limit(1));
  if (row === undefined || !isPractitionerBundle(new Uint8Array(row.publicBundle))) throw new ApiError('NOT_FOUND');
  return { practitioner: entryOf(row.profile), publicBundle: toBase64url(row.publicBundle) };
}
