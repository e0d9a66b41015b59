// Whole age files, streaming: header || 16-byte payload nonce || STREAM payload (C2SP age.md).
//
// Decryption order, and the error each step raises (each outcome of the testkit has its own code):
//   armor (if asked)          ARMOR_INVALID
//   parse the header          FORMAT_INVALID, VERSION_UNSUPPORTED
//   scrypt stanza not alone   FORMAT_INVALID
//   unwrap the file key       NO_MATCH when no stanza opens; FORMAT_INVALID / KEY_INVALID for a bad stanza
//                             addressed to one of the identities
//   check the header MAC      HEADER_MAC_INVALID
//   read the payload nonce    FORMAT_INVALID
//   payload                   DECRYPTION_FAILED, STREAM_TRUNCATED, STREAM_TRAILING_DATA; only authenticated
//                             chunks are released
// The MAC is checked only with a file key in hand, so a header that does not parse is never reported as a
// MAC failure.

import { concatParts } from '../bytes.ts';
import { CryptoError } from '../errors.ts';
import { constantTimeEqual, randomBytes } from '../primitives.ts';
import { createArmorDecoder, createArmorEncoder } from './armor.ts';
import { computeHeaderMac, encodeHeader, encodeHeaderNoMac, type Stanza } from './format.ts';
import { bytesToStream, collectBytes, lazyReadable, prependBytes, readHeader } from './io.ts';
import type { AgeIdentity, AgeRecipient } from './keys.ts';
import { createPayloadDecryptor, createPayloadEncryptor, PAYLOAD_NONCE_BYTES, payloadError } from './payload.ts';
import { checkStanzaSet, unwrapFileKey, wrapFileKey } from './recipients.ts';
import { FILE_KEY_BYTES } from './x25519.ts';

export interface AgeOptions {
  /** Read or write the ASCII-armored form. */
  readonly armor?: boolean;
}

/** A transform: write plaintext (or an age file) to `writable`, read the other side from `readable`. */
export type ByteTransform = ReadableWritablePair<Uint8Array, Uint8Array>;

/**
 * Encrypts to `recipients`: plaintext in, an age file out. Throws RangeError when there is no recipient
 * or an scrypt recipient is mixed with others (age forbids it).
 */
export function createAgeEncryptor(recipients: readonly AgeRecipient[], options: AgeOptions = {}): ByteTransform {
  const fileKey = randomBytes(FILE_KEY_BYTES);
  const stanzas = recipients.map((recipient) => wrapFileKey(fileKey, recipient));
  if (stanzas.length === 0) throw new RangeError('at least one recipient is needed');
  try {
    checkStanzaSet(stanzas);
  } catch {
    throw new RangeError('an scrypt recipient must be the only recipient');
  }
  const mac = computeHeaderMac(fileKey, encodeHeaderNoMac(stanzas));
  const nonce = randomBytes(PAYLOAD_NONCE_BYTES);
  const head = concatParts([encodeHeader({ stanzas, mac }), nonce]);
  const payload = createPayloadEncryptor(fileKey, nonce);
  const file = prependBytes(head, payload.readable.getReader());
  return { writable: payload.writable, readable: options.armor === true ? file.pipeThrough(createArmorEncoder()) : file };
}

/**
 * Reads the header of the age file `input` and unwraps its file key with the first identity that opens a
 * stanza. Resolves to the plaintext stream once the header is authenticated; rejects with the header
 * errors listed above (and cancels `input`). The plaintext stream errors with the payload errors.
 */
export async function decryptAge(
  input: ReadableStream<Uint8Array>,
  identities: readonly AgeIdentity[],
  options: AgeOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const source = options.armor === true ? input.pipeThrough(createArmorDecoder()) : input;
  const reader = source.getReader();
  try {
    const { parsed, rest } = await readHeader(reader, PAYLOAD_NONCE_BYTES);
    const fileKey = openHeader(parsed.header.stanzas, identities);
    if (!constantTimeEqual(computeHeaderMac(fileKey, parsed.macInput), parsed.header.mac)) {
      throw new CryptoError('HEADER_MAC_INVALID');
    }
    const nonce = rest.slice(0, PAYLOAD_NONCE_BYTES);
    const sealed = prependBytes(rest.subarray(PAYLOAD_NONCE_BYTES), reader);
    return relayErrors(sealed.pipeThrough(createPayloadDecryptor(fileKey, nonce)), payloadError);
  } catch (error) {
    await reader.cancel(error).catch(() => undefined);
    throw error;
  }
}

/** decryptAge as a transform: age file in, plaintext out; every error surfaces on `readable`. */
export function createAgeDecryptor(identities: readonly AgeIdentity[], options: AgeOptions = {}): ByteTransform {
  const input = new TransformStream<Uint8Array, Uint8Array>();
  return { writable: input.writable, readable: lazyReadable(() => decryptAge(input.readable, identities, options)) };
}

/** The file key for the first identity (in order) that opens a stanza; NO_MATCH when none does. */
export function openHeader(stanzas: readonly Stanza[], identities: readonly AgeIdentity[]): Uint8Array {
  checkStanzaSet(stanzas);
  for (const identity of identities) {
    const fileKey = unwrapFileKey(stanzas, identity);
    if (fileKey !== null) return fileKey;
  }
  throw new CryptoError('NO_MATCH');
}

/** Encrypts a whole buffer (small inputs, tests). */
export async function encryptAgeBytes(plaintext: Uint8Array, recipients: readonly AgeRecipient[], options: AgeOptions = {}): Promise<Uint8Array> {
  return collectBytes(bytesToStream(plaintext).pipeThrough(createAgeEncryptor(recipients, options)));
}

/** Decrypts a whole buffer (small inputs, tests). */
export async function decryptAgeBytes(file: Uint8Array, identities: readonly AgeIdentity[], options: AgeOptions = {}): Promise<Uint8Array> {
  return collectBytes(await decryptAge(bytesToStream(file), identities, options));
}

function relayErrors(stream: ReadableStream<Uint8Array>, mapError: (error: unknown) => unknown): ReadableStream<Uint8Array> {
  return prependBytes(new Uint8Array(0), stream.getReader(), mapError);
}
