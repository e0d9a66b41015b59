// The interface language: French unless the person chose English. The choice lives in memory only
// (nothing in localStorage: ATK-32 keeps browser storage empty).
import { useState } from 'preact/hooks';
import { en } from '../locales/en.ts';
import { fr, type Messages } from '../locales/fr.ts';

export type Locale = 'fr' | 'en';

const MESSAGES: Record<Locale, Messages> = { fr, en };

export function useLocale(initial: Locale = 'fr') {
  const [locale, setLocale] = useState<Locale>(initial);
  const toggle = () => {
    const next: Locale = locale === 'fr' ? 'en' : 'fr';
    document.documentElement.lang = next;
    setLocale(next);
  };
  return { locale, messages: MESSAGES[locale], toggle };
}
