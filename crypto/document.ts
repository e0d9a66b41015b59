// Document payload format v1: one document version's content, padded and encrypted as a STREAM.
//
//   payload = header | STREAM(payloadKey, inner)
//   header  = "CSDP" | u8 formatVersion (= 1) | u8 algorithm | u64 paddedLength | fixed32 salt   (46 bytes)
//   inner   = u64 realLength | plaintext | zero bytes, paddedLength = Padmé(realLength + 8) bytes in all
//   payloadKey = HKDF-SHA256(fileKey, salt = header, info = text("coffre-sante/v1/document-payload") | context)
//
// The whole header is the HKDF salt, so a changed algorithm, length or salt gives another key (the first
// chunk fails, ATK-26); the context in the info binds vault, document and version (ATK-11). The salt is
// random per encryption: even a file key reused by mistake never repeats a (key, nonce) pair.
// paddedLength in clear says no more than the blob's size, which the server sees anyway; with it the
// decryptor knows the exact blob length, so bytes appended after a short final chunk are reported as
// STREAM_TRAILING_DATA rather than as a failed tag. Padding hides the real length within a Padmé bucket
// (ATK-15); the real length travels inside the first authenticated chunk.

import { concatParts } from './bytes.ts';
import { deriveDocumentKey, encodeDocumentContext, FILE_KEY_BYTES, type DocumentContext } from './document-context.ts';
import { ByteReader, ByteWriter } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { aes256GcmChunkAead, chacha20Poly1305ChunkAead } from './chunk-aead.ts';
import { isPadmeLength, padmeLength } from './padding.ts';
import { checkLength, randomBytes } from './primitives.ts';
import { CHUNK_SIZE, sealedStreamLength, StreamOpener, StreamSealer, type ChunkAead, type Emit } from './stream.ts';

export const DOCUMENT_MAGIC = 'CSDP';
export const DOCUMENT_FORMAT_VERSION = 1;
export const DOCUMENT_PAYLOAD_LABEL = 'coffre-sante/v1/document-payload';
/** Allowlisted payload ciphers and their ids in the header. Any other id is VERSION_UNSUPPORTED. */
export const DOCUMENT_ALGORITHM_IDS = { 'chacha20-poly1305': 0x01, 'aes-256-gcm': 0x02 } as const;
export type DocumentAlgorithm = keyof typeof DOCUMENT_ALGORITHM_IDS;
/** AES-256-GCM: native through WebCrypto, several times faster than JS/wasm ChaCha in browsers. */
export const DEFAULT_DOCUMENT_ALGORITHM: DocumentAlgorithm = 'aes-256-gcm';
export const DOCUMENT_SALT_BYTES = 32;
export const DOCUMENT_HEADER_BYTES = 4 + 1 + 1 + 8 + DOCUMENT_SALT_BYTES;
export const LENGTH_PREFIX_BYTES = 8;
/** Largest plaintext accepted: 1 TiB, far beyond any health document, and well inside safe integers. */
export const MAX_DOCUMENT_LENGTH = 2 ** 40;

const MAGIC_BYTES = new TextEncoder().encode(DOCUMENT_MAGIC);
const MAX_PADDED_LENGTH = padmeLength(MAX_DOCUMENT_LENGTH + LENGTH_PREFIX_BYTES);
const ZERO_BLOCK = new Uint8Array(CHUNK_SIZE);

/**
 * Makes the ChunkAead for `algorithm` under a derived 32-byte key. The default uses WebCrypto AES-256-GCM
 * or noble ChaCha20-Poly1305; a caller may inject another implementation of the SAME algorithm (node:crypto
 * in the command-line client). The key array is wiped after the call: copy or import it. Its `open` MUST
 * throw CryptoError('DECRYPTION_FAILED') on a bad tag (STREAM relies on it to try a full final chunk).
 */
export type ChunkAeadFactory = (algorithm: DocumentAlgorithm, key: Uint8Array) => ChunkAead;

export interface DocumentDecryptOptions {
  chunkAead?: ChunkAeadFactory;
}

export interface DocumentEncryptOptions extends DocumentDecryptOptions {
  algorithm?: DocumentAlgorithm;
  /** Fixes the header salt, for known-answer vectors only. Never set it in production. */
  testOnlySalt?: Uint8Array;
}

export interface DocumentHeader {
  algorithm: DocumentAlgorithm;
  paddedLength: number;
  salt: Uint8Array;
}

/** Size of the payload blob for a plaintext of `plaintextLength` bytes. */
export function documentPayloadLength(plaintextLength: number): number {
  checkPlaintextLength(plaintextLength);
  return DOCUMENT_HEADER_BYTES + sealedStreamLength(padmeLength(plaintextLength + LENGTH_PREFIX_BYTES));
}

/**
 * Parses the 46-byte header. FORMAT_INVALID for a wrong magic or an impossible length;
 * VERSION_UNSUPPORTED for a format version or algorithm id not on the allowlist (no legacy path).
 */
export function parseDocumentHeader(bytes: Uint8Array): DocumentHeader {
  const reader = new ByteReader(bytes);
  const magic = reader.fixed(MAGIC_BYTES.length);
  if (!magic.every((byte, i) => byte === MAGIC_BYTES[i])) throw new CryptoError('FORMAT_INVALID');
  if (reader.u8() !== DOCUMENT_FORMAT_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
  const algorithm = algorithmFromId(reader.u8());
  const paddedLength = reader.u64();
  const salt = reader.fixed(DOCUMENT_SALT_BYTES);
  reader.end();
  if (paddedLength < LENGTH_PREFIX_BYTES || paddedLength > MAX_PADDED_LENGTH || !isPadmeLength(paddedLength)) {
    throw new CryptoError('FORMAT_INVALID');
  }
  return { algorithm, paddedLength, salt };
}

function encodeDocumentHeader(header: DocumentHeader): Uint8Array {
  return new ByteWriter()
    .fixed(MAGIC_BYTES, MAGIC_BYTES.length)
    .u8(DOCUMENT_FORMAT_VERSION)
    .u8(DOCUMENT_ALGORITHM_IDS[header.algorithm])
    .u64(header.paddedLength)
    .fixed(header.salt, DOCUMENT_SALT_BYTES)
    .finish();
}

function algorithmFromId(id: number): DocumentAlgorithm {
  for (const [name, value] of Object.entries(DOCUMENT_ALGORITHM_IDS)) {
    if (value === id) return name as DocumentAlgorithm;
  }
  throw new CryptoError('VERSION_UNSUPPORTED');
}

/** The built-in implementations: WebCrypto AES-256-GCM and noble ChaCha20-Poly1305. */
export const defaultChunkAead: ChunkAeadFactory = (algorithm, key) =>
  algorithm === 'aes-256-gcm' ? aes256GcmChunkAead(key) : chacha20Poly1305ChunkAead(key);

function payloadAead(
  fileKey: Uint8Array,
  context: DocumentContext,
  headerBytes: Uint8Array,
  algorithm: DocumentAlgorithm,
  factory: ChunkAeadFactory = defaultChunkAead,
): ChunkAead {
  const key = deriveDocumentKey(fileKey, headerBytes, DOCUMENT_PAYLOAD_LABEL, context);
  const aead = factory(algorithm, key);
  key.fill(0);
  return aead;
}

function checkPlaintextLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_DOCUMENT_LENGTH) {
    throw new RangeError(`plaintext length must be an integer from 0 to ${MAX_DOCUMENT_LENGTH}`);
  }
}

function u64Bytes(value: number): Uint8Array {
  return new ByteWriter().u64(value).finish();
}

/** Encryption: header, length prefix, the plaintext as it comes, zero padding, all through one STREAM. */
class DocumentSealer {
  private readonly header: Uint8Array;
  private readonly sealer: StreamSealer;
  private readonly paddedLength: number;
  private remaining: number;

  constructor(fileKey: Uint8Array, context: DocumentContext, private readonly plaintextLength: number, options: DocumentEncryptOptions) {
    checkPlaintextLength(plaintextLength);
    const algorithm = options.algorithm ?? DEFAULT_DOCUMENT_ALGORITHM;
    if (!Object.hasOwn(DOCUMENT_ALGORITHM_IDS, algorithm)) throw new TypeError('unknown document algorithm');
    this.paddedLength = padmeLength(plaintextLength + LENGTH_PREFIX_BYTES);
    const salt = options.testOnlySalt ?? randomBytes(DOCUMENT_SALT_BYTES);
    this.header = encodeDocumentHeader({ algorithm, paddedLength: this.paddedLength, salt });
    this.sealer = new StreamSealer(payloadAead(fileKey, context, this.header, algorithm, options.chunkAead));
    this.remaining = plaintextLength;
  }

  async start(emit: Emit): Promise<void> {
    emit(this.header);
    await this.sealer.push(u64Bytes(this.plaintextLength), emit);
  }

  /** RangeError (caller misuse) when more plaintext arrives than was announced. */
  async push(plaintext: Uint8Array, emit: Emit): Promise<void> {
    if (plaintext.length > this.remaining) throw new RangeError('more plaintext than the announced length');
    this.remaining -= plaintext.length;
    await this.sealer.push(plaintext, emit);
  }

  /** RangeError (caller misuse) when less plaintext arrived than was announced. */
  async finish(emit: Emit): Promise<void> {
    if (this.remaining !== 0) throw new RangeError('less plaintext than the announced length');
    let padding = this.paddedLength - LENGTH_PREFIX_BYTES - this.plaintextLength;
    while (padding > 0) {
      const n = Math.min(padding, ZERO_BLOCK.length);
      await this.sealer.push(ZERO_BLOCK.subarray(0, n), emit);
      padding -= n;
    }
    await this.sealer.finish(emit);
  }
}

/** Decryption: parse the header, check the blob length, open the STREAM, strip prefix and padding. */
class DocumentOpener {
  private readonly headerBytes = new Uint8Array(DOCUMENT_HEADER_BYTES);
  private headerUsed = 0;
  private opener: StreamOpener | undefined;
  private paddedLength = 0;
  private readonly prefix = new Uint8Array(LENGTH_PREFIX_BYTES);
  private innerSeen = 0;
  private realLength = 0;

  private readonly fileKey: Uint8Array;
  private readonly context: DocumentContext;

  // The key and context are copied and checked now: the caller may wipe its key once this returns.
  constructor(fileKey: Uint8Array, context: DocumentContext, private readonly options: DocumentDecryptOptions) {
    checkLength(fileKey, FILE_KEY_BYTES, 'file key');
    encodeDocumentContext(context);
    this.fileKey = fileKey.slice();
    this.context = { vaultId: context.vaultId, documentId: context.documentId, version: context.version };
  }

  async push(input: Uint8Array, emit: Emit): Promise<void> {
    let rest = input;
    if (this.opener === undefined) {
      const n = Math.min(DOCUMENT_HEADER_BYTES - this.headerUsed, rest.length);
      this.headerBytes.set(rest.subarray(0, n), this.headerUsed);
      this.headerUsed += n;
      rest = rest.subarray(n);
      if (this.headerUsed < DOCUMENT_HEADER_BYTES) return;
      this.begin();
    }
    // The header announces the exact length: anything past it is refused before it is even buffered.
    await this.opener!.push(rest, (plain) => { this.onInner(plain, emit); });
  }

  async finish(emit: Emit): Promise<void> {
    if (this.opener === undefined) throw new CryptoError('STREAM_TRUNCATED');
    // The opener knows the sealed length: it reports a short blob as STREAM_TRUNCATED, after the chunks
    // still in flight, so a chunk out of place is reported as such (DECRYPTION_FAILED) first.
    await this.opener.finish((plain) => { this.onInner(plain, emit); });
    if (this.innerSeen !== this.paddedLength) throw new CryptoError('FORMAT_INVALID');
  }

  private begin(): void {
    const header = parseDocumentHeader(this.headerBytes);
    this.paddedLength = header.paddedLength;
    // The stated length tells the opener which chunk is last and where the blob must end.
    const aead = payloadAead(this.fileKey, this.context, this.headerBytes, header.algorithm, this.options.chunkAead);
    this.opener = new StreamOpener(aead, sealedStreamLength(header.paddedLength));
    this.fileKey.fill(0); // our copy: only the derived payload key is needed from here on
  }

  // Called only with authenticated plaintext, in order.
  private onInner(plain: Uint8Array, emit: Emit): void {
    let rest = plain;
    if (this.innerSeen < LENGTH_PREFIX_BYTES) {
      const n = Math.min(LENGTH_PREFIX_BYTES - this.innerSeen, rest.length);
      this.prefix.set(rest.subarray(0, n), this.innerSeen);
      this.innerSeen += n;
      rest = rest.subarray(n);
      if (this.innerSeen < LENGTH_PREFIX_BYTES) return;
      this.realLength = new ByteReader(this.prefix).u64();
      if (this.realLength > MAX_DOCUMENT_LENGTH || padmeLength(this.realLength + LENGTH_PREFIX_BYTES) !== this.paddedLength) {
        throw new CryptoError('FORMAT_INVALID');
      }
    }
    const plaintextEnd = LENGTH_PREFIX_BYTES + this.realLength;
    const n = Math.max(0, Math.min(rest.length, plaintextEnd - this.innerSeen));
    if (!isAllZero(rest.subarray(n))) throw new CryptoError('FORMAT_INVALID');
    this.innerSeen += rest.length;
    if (n > 0) emit(rest.subarray(0, n));
  }
}

/**
 * Plaintext in (exactly `plaintextLength` bytes, sliced any way), payload blob out. The blob is
 * documentPayloadLength(plaintextLength) bytes. Feeding more or fewer bytes than announced is misuse
 * (RangeError). `fileKey` is 32 bytes, fresh for this document version.
 */
export function createDocumentEncryptor(
  fileKey: Uint8Array,
  context: DocumentContext,
  plaintextLength: number,
  options: DocumentEncryptOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  const sealer = new DocumentSealer(fileKey, context, plaintextLength, options);
  return new TransformStream({
    start: (controller) => sealer.start((out) => { controller.enqueue(out); }),
    transform: (chunk, controller) => sealer.push(chunk, (out) => { controller.enqueue(out); }),
    flush: (controller) => sealer.finish((out) => { controller.enqueue(out); }),
  });
}

/**
 * Payload blob in (sliced any way), plaintext out; only authenticated plaintext is ever released, and
 * exactly the real length of it. Errors (CryptoError): FORMAT_INVALID (magic, impossible length,
 * non-zero padding, inconsistent length prefix), VERSION_UNSUPPORTED (format version or algorithm),
 * DECRYPTION_FAILED (wrong key or context, altered bytes, reordered chunks), STREAM_TRUNCATED (blob shorter
 * than its header announces), STREAM_TRAILING_DATA (longer). A consumer MUST discard or distrust what it
 * received when the stream errors: only a stream that closes normally delivered the whole document.
 */
export function createDocumentDecryptor(
  fileKey: Uint8Array,
  context: DocumentContext,
  options: DocumentDecryptOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  const opener = new DocumentOpener(fileKey, context, options);
  return new TransformStream({
    transform: (chunk, controller) => opener.push(chunk, (out) => { controller.enqueue(out); }),
    flush: (controller) => opener.finish((out) => { controller.enqueue(out); }),
  });
}

/** Encrypts a document held in memory (small files, tests). */
export async function encryptDocumentBytes(
  fileKey: Uint8Array,
  context: DocumentContext,
  plaintext: Uint8Array,
  options: DocumentEncryptOptions = {},
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const sealer = new DocumentSealer(fileKey, context, plaintext.length, options);
  const emit: Emit = (out) => parts.push(out);
  await sealer.start(emit);
  await sealer.push(plaintext, emit);
  await sealer.finish(emit);
  return concatParts(parts);
}

/** Decrypts a payload blob held in memory; throws the decryptor's CryptoErrors. */
export async function decryptDocumentBytes(
  fileKey: Uint8Array,
  context: DocumentContext,
  blob: Uint8Array,
  options: DocumentDecryptOptions = {},
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const opener = new DocumentOpener(fileKey, context, options);
  const emit: Emit = (out) => parts.push(out);
  await opener.push(blob, emit);
  await opener.finish(emit);
  return concatParts(parts);
}

function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const byte of bytes) acc |= byte;
  return acc === 0;
}
