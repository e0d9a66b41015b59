// The web app's document categories: each code is one the encrypted metadata accepts, the LOINC ones are
// shaped as LOINC codes (so the FHIR export files them under http://loinc.org), and each has a label.
import { describe, expect, it } from 'vitest';
import { validateMetadata } from '../../crypto/metadata-fields.ts';
import { CATEGORIES, categoryLabel } from '../../client/lib/categories.ts';
import { en } from '../../client/locales/en.ts';
import { fr } from '../../client/locales/fr.ts';

const BASE = { title: 'x', dateOfCare: '2026-01-01', author: 'x', fileName: 'x.pdf', mimeType: 'application/pdf', realLength: 1 };

describe('web app categories', () => {
  it('offers the seven kinds a French patient knows, with codes the metadata accepts', () => {
    expect(CATEGORIES.map((entry) => fr[entry.label])).toEqual(['Ordonnance', 'Biologie', 'Imagerie', 'Compte rendu', 'Vaccination', 'Certificat', 'Autre']);
    for (const { code } of CATEGORIES) expect(() => { validateMetadata({ ...BASE, category: code }); }).not.toThrow();
    expect(CATEGORIES.filter((entry) => /^\d{1,7}-\d$/.test(entry.code))).toHaveLength(5);
    expect(new Set(CATEGORIES.map((entry) => entry.code)).size).toBe(CATEGORIES.length);
  });

  it('labels a code from another client as "other" in each language', () => {
    expect(categoryLabel('11502-2', fr)).toBe('Biologie');
    expect(categoryLabel('11502-2', en)).toBe('Laboratory');
    expect(categoryLabel('unknown-code', fr)).toBe('Autre');
  });
});
