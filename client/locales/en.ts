import type { Messages } from './fr.ts';

export const en: Messages = {
  languageSwitch: 'Français',
  languageSwitchLabel: 'Passer en français',
  title: 'Health vault',
  tagline: 'Your health documents, encrypted on your device. The people who run this service cannot read them.',
  comingSoon: 'The patient space is coming soon: sign-up, adding documents, sharing with your care team.',
  promise: 'Each document is encrypted with its own key before it leaves your device; the server keeps only encrypted data.',
};
