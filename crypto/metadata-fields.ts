// The fields of a document's encrypted metadata, their limits, and their canonical encoding (v1).
//
// Modelled on FHIR R4 DocumentReference: title and fileName ~ content.attachment.title, category ~ type
// (a LOINC code or an app code mapped to one), dateOfCare ~ context.period, author ~ author.display,
// mimeType ~ content.attachment.contentType, practiceSetting, facilityType ~ context.*; language ~
// content.attachment.language. Validation is done here (crypto/ carries no schema library): callers get a
// RangeError/TypeError for bad input, decryption gets FORMAT_INVALID for a bad decoded value.
//
// body = text title | text category | text dateOfCare | text author | text fileName | text mimeType
//      | u64 realLength | opt description | opt practiceSetting | opt facility | opt facilityType
//      | opt language
// opt x = u8 0 (absent) | u8 1, text x (present, never empty). Nothing may follow the last field.

import { ByteReader, ByteWriter } from './encoding.ts';
import { CryptoError } from './errors.ts';

export interface DocumentMetadata {
  title: string;
  /** Document kind as a code: a LOINC code ("11502-2") or an app code mapped to one ("lab-result"). */
  category: string;
  /** Calendar date of care, ISO 8601 "YYYY-MM-DD". */
  dateOfCare: string;
  /** Display name of the author (practitioner, lab, or the patient). */
  author: string;
  fileName: string;
  /** RFC 6838 media type, "type/subtype", no parameters. */
  mimeType: string;
  /** Real plaintext length of the payload, in bytes. */
  realLength: number;
  description?: string;
  /** Code for the clinical specialty (FHIR practiceSetting). */
  practiceSetting?: string;
  /** Name of the facility where care took place. */
  facility?: string;
  /** Code for the kind of facility (FHIR facilityType). */
  facilityType?: string;
  /** BCP 47 language tag of the content. */
  language?: string;
}

/** Longest value of each text field, in UTF-8 bytes. The whole body stays under 16 KiB. */
const MAX_BYTES = { title: 512, author: 256, fileName: 255, description: 8192, facility: 256 } as const;
const OPTIONAL_FIELDS = ['description', 'practiceSetting', 'facility', 'facilityType', 'language'] as const;
const MAX_REAL_LENGTH = 2 ** 40;

const CODE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Throws RangeError (naming the field, never its value) when a field breaks its rule. */
export function validateMetadata(metadata: DocumentMetadata): void {
  checkText(metadata.title, 'title', MAX_BYTES.title);
  checkPattern(metadata.category, 'category', CODE);
  checkDate(metadata.dateOfCare);
  checkText(metadata.author, 'author', MAX_BYTES.author);
  checkText(metadata.fileName, 'fileName', MAX_BYTES.fileName);
  if (/[/\\]/.test(metadata.fileName)) throw new RangeError('fileName must not contain a path separator');
  checkPattern(metadata.mimeType, 'mimeType', MEDIA_TYPE);
  if (!Number.isSafeInteger(metadata.realLength) || metadata.realLength < 0 || metadata.realLength > MAX_REAL_LENGTH) {
    throw new RangeError('realLength out of range');
  }
  if (metadata.description !== undefined) checkText(metadata.description, 'description', MAX_BYTES.description, true);
  if (metadata.practiceSetting !== undefined) checkPattern(metadata.practiceSetting, 'practiceSetting', CODE);
  if (metadata.facility !== undefined) checkText(metadata.facility, 'facility', MAX_BYTES.facility);
  if (metadata.facilityType !== undefined) checkPattern(metadata.facilityType, 'facilityType', CODE);
  if (metadata.language !== undefined) checkPattern(metadata.language, 'language', LANGUAGE_TAG);
}

/** The canonical body (see the layout above). Validates first. */
export function encodeMetadataBody(metadata: DocumentMetadata): Uint8Array {
  validateMetadata(metadata);
  const writer = new ByteWriter()
    .text(metadata.title)
    .text(metadata.category)
    .text(metadata.dateOfCare)
    .text(metadata.author)
    .text(metadata.fileName)
    .text(metadata.mimeType)
    .u64(metadata.realLength);
  for (const field of OPTIONAL_FIELDS) {
    const value = metadata[field];
    if (value === undefined) writer.u8(0);
    else writer.u8(1).text(value);
  }
  return writer.finish();
}

/** Parses a body; FORMAT_INVALID for anything malformed, out of its limits or followed by extra bytes. */
export function decodeMetadataBody(body: Uint8Array): DocumentMetadata {
  const reader = new ByteReader(body);
  const metadata: DocumentMetadata = {
    title: reader.text(MAX_BYTES.title),
    category: reader.text(64),
    dateOfCare: reader.text(10),
    author: reader.text(MAX_BYTES.author),
    fileName: reader.text(MAX_BYTES.fileName),
    mimeType: reader.text(191),
    realLength: reader.u64(),
  };
  for (const field of OPTIONAL_FIELDS) {
    const presence = reader.u8();
    if (presence === 1) metadata[field] = reader.text(MAX_BYTES.description);
    else if (presence !== 0) throw new CryptoError('FORMAT_INVALID');
  }
  reader.end();
  try {
    validateMetadata(metadata);
  } catch (error) {
    throw new CryptoError('FORMAT_INVALID', { cause: error });
  }
  return metadata;
}

function checkText(value: string, field: string, maxBytes: number, allowNewlines = false): void {
  if (typeof value !== 'string') throw new TypeError(`${field} must be a string`);
  const bytes = new TextEncoder().encode(value);
  if (bytes.length === 0 || bytes.length > maxBytes) throw new RangeError(`${field} must be 1 to ${maxBytes} UTF-8 bytes`);
  // A lone surrogate would not survive UTF-8: the decoded value would differ from the signed one.
  if (new TextDecoder().decode(bytes) !== value) throw new RangeError(`${field} is not well-formed Unicode`);
  const checked = allowNewlines ? value.replace(/[\n\t]/g, ' ') : value;
  if (CONTROL.test(checked)) throw new RangeError(`${field} must not contain control characters`);
}

function checkPattern(value: string, field: string, pattern: RegExp): void {
  if (typeof value !== 'string') throw new TypeError(`${field} must be a string`);
  if (!pattern.test(value)) throw new RangeError(`${field} is not in the expected format`);
}

function checkDate(value: string): void {
  checkPattern(value, 'dateOfCare', ISO_DATE);
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new RangeError('dateOfCare is not a calendar date');
  }
}
