// The interface language: French unless the person chose English. The choice lives in memory only
// (nothing in localStorage: ATK-32 keeps browser storage empty).
import { useEffect, useState } from 'preact/hooks';
import { en } from '../locales/en.ts';
import { fr, type Messages } from '../locales/fr.ts';

export type Locale = 'fr' | 'en';

const MESSAGES: Record<Locale, Messages> = { fr, en };

/** The language, its messages, the other language (the switch offers it) and the switch itself. */
export function useLocale(initial: Locale = 'fr') {
  const [locale, setLocale] = useState<Locale>(initial);
  const other: Locale = locale === 'fr' ? 'en' : 'fr';
  // <html lang> tells screen readers how to pronounce the page, and browsers how to hyphenate and translate.
  useEffect(() => { document.documentElement.lang = locale; }, [locale]);
  return { locale, other, messages: MESSAGES[locale], toggle: () => { setLocale(other); } };
}
