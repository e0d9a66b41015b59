// Calendar dates typed in a date field, in the person's own time zone.

/** Today as "YYYY-MM-DD" in local time. */
export function todayIso(): string {
  const now = new Date();
  return `${String(now.getFullYear())}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

/** The last millisecond of a "YYYY-MM-DD" day in local time (a share ending that day lasts through it); NaN if invalid. */
export function endOfDay(isoDate: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (match === null) return Number.NaN;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 999).getTime();
}

/** A moment as a long date ("14 février 2026"). */
export function formatDay(at: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(at);
}

/** A moment as date and time ("14 février 2026 à 10:30"). */
export function formatMoment(at: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' }).format(at);
}

/** The first millisecond of a "YYYY-MM-DD" day in local time; NaN if invalid. */
export function startOfDay(isoDate: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (match === null) return Number.NaN;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime();
}
