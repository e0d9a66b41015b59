// French first: the wording a patient reads. English mirrors these keys in en.ts.
export const fr = {
  languageSwitch: 'English',
  languageSwitchLabel: 'Switch to English',
  title: 'Coffre santé',
  tagline: 'Vos documents de santé, chiffrés sur votre appareil. Ceux qui font fonctionner ce service ne peuvent pas les lire.',
  comingSoon: 'L’espace patient arrive bientôt : création de compte, ajout de documents, partage avec vos soignants.',
  promise: 'Chaque document est chiffré avec sa propre clé avant de quitter votre appareil ; le serveur ne garde que des données chiffrées.',
};

export type Messages = { [K in keyof typeof fr]: string };
