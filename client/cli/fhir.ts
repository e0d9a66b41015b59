// The FHIR R4 export of the decrypted metadata: a Bundle of type "collection" with one DocumentReference
// per document, whose attachment points at the age file written beside it. Built only on the patient's
// machine, from metadata that was verified and decrypted there; the file is plaintext health data.
import type { DocumentEntry } from '../core/documents.ts';

const LOINC = 'http://loinc.org';
/** App category codes that are not LOINC codes get this system. */
const APP_CATEGORY_SYSTEM = 'urn:coffre-sante:category';
const LOINC_CODE = /^\d{1,7}-\d$/;

export interface FhirBundle {
  resourceType: 'Bundle';
  type: 'collection';
  timestamp: string;
  entry: { fullUrl: string; resource: Record<string, unknown> }[];
}

/** `fileNameOf(entry)` is the name of the exported file the attachment refers to. */
export function fhirBundle(entries: readonly DocumentEntry[], fileNameOf: (entry: DocumentEntry) => string, now = new Date()): FhirBundle {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: now.toISOString(),
    entry: entries.map((entry) => ({ fullUrl: `urn:uuid:${uuidFrom(entry.documentId)}`, resource: documentReference(entry, fileNameOf(entry)) })),
  };
}

function documentReference(entry: DocumentEntry, fileName: string): Record<string, unknown> {
  const { metadata } = entry;
  const system = LOINC_CODE.test(metadata.category) ? LOINC : APP_CATEGORY_SYSTEM;
  return {
    resourceType: 'DocumentReference',
    identifier: [{ system: 'urn:coffre-sante:document', value: `${entry.documentId}/${String(entry.version)}` }],
    status: 'current',
    type: { coding: [{ system, code: metadata.category }] },
    date: new Date(entry.updatedAt).toISOString(),
    author: [{ display: metadata.author }],
    description: metadata.title,
    content: [{
      attachment: {
        contentType: metadata.mimeType,
        ...(metadata.language === undefined ? {} : { language: metadata.language }),
        url: fileName,
        size: metadata.realLength,
        title: metadata.fileName,
      },
      format: { system: 'urn:coffre-sante:export', code: 'age-v1', display: 'age-encryption.org/v1' },
    }],
    context: { period: { start: metadata.dateOfCare, end: metadata.dateOfCare } },
  };
}

/** A stable UUID-shaped id from the 16-byte document id (fullUrl must be a URI, and urn:uuid is one). */
function uuidFrom(documentId: string): string {
  const bytes = Array.from(atob(documentId.replaceAll('-', '+').replaceAll('_', '/') + '=='), (char) => char.charCodeAt(0));
  const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
