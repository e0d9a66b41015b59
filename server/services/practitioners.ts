// The practitioner directory: a practitioner (the role in their self-signed public bundle) publishes a
// profile; any signed-in account searches it. Patients are never listed, their bundles never served here.
import { and, asc, eq, like, ne, sql, type SQL } from 'drizzle-orm';
import { isCryptoError } from '../../crypto/errors.ts';
import { verifyPublicBundle } from '../../crypto/identity.ts';
import { toBase64url } from '../../shared/binary.ts';
import type { PractitionerEntry, PractitionerProfile, PractitionerResponse, Profession } from '../../shared/practitioners.ts';
import { ApiError } from '../http-error.ts';
import { accounts, practitionerProfiles } from '../storage/schema.ts';
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
export function putPractitionerProfile(deps: Deps, accountId: string, profile: PractitionerProfile): void {
  deps.storage.db.transaction((tx) => {
    const account = tx.select({ publicBundle: accounts.publicBundle }).from(accounts).where(eq(accounts.id, accountId)).get();
    if (account === undefined || !isPractitionerBundle(new Uint8Array(account.publicBundle))) throw new ApiError('NOT_A_PRACTITIONER');
    const taken = tx.select({ accountId: practitionerProfiles.accountId }).from(practitionerProfiles)
      .where(and(eq(practitionerProfiles.rpps, profile.rpps), ne(practitionerProfiles.accountId, accountId))).get();
    if (taken !== undefined) throw new ApiError('RPPS_TAKEN');
    const row: ProfileRow = { accountId, ...profile, searchText: searchTextOf(profile), updatedAt: deps.clock() };
    tx.insert(practitionerProfiles).values(row).onConflictDoUpdate({ target: practitionerProfiles.accountId, set: row }).run();
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

/** Profiles whose search text contains every word of q; empty q → none. Ordered by name. */
export function searchPractitioners(deps: Deps, q: string, limit: number): PractitionerEntry[] {
  const words = queryWords(q);
  if (words.length === 0) return [];
  const conditions: SQL[] = words.map((word) => like(practitionerProfiles.searchText, `%${escapeLike(word)}%`));
  // LIKE's ESCAPE clause, which drizzle's like() does not write.
  const escaped = conditions.map((condition) => sql`${condition} ESCAPE '\\'`);
  return deps.storage.db.select().from(practitionerProfiles).where(and(...escaped))
    .orderBy(asc(practitionerProfiles.name), asc(practitionerProfiles.accountId)).limit(limit).all().map(entryOf);
}

/** The profile with its bundle; NOT_FOUND without a profile or when the bundle is no longer a practitioner's. */
export function practitionerById(deps: Deps, accountId: string): PractitionerResponse {
  const row = deps.storage.db.select({ profile: practitionerProfiles, publicBundle: accounts.publicBundle })
    .from(practitionerProfiles).innerJoin(accounts, eq(accounts.id, practitionerProfiles.accountId))
    .where(eq(practitionerProfiles.accountId, accountId)).get();
  if (row === undefined || !isPractitionerBundle(new Uint8Array(row.publicBundle))) throw new ApiError('NOT_FOUND');
  return { practitioner: entryOf(row.profile), publicBundle: toBase64url(row.publicBundle) };
}
