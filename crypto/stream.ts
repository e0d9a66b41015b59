// STREAM: online authenticated encryption in 64 KiB chunks, exactly as age's payload (C2SP age.md,
// "Payload"; Hoang, Reyhanitabar, Rogaway, Vizár, "Online Authenticated-Encryption and its
// Nonce-Reuse Misuse-Resistance").
//
// Each chunk is sealed under one key with a 12-byte nonce: an 11-byte big-endian chunk counter starting
// at zero, then 0x01 for the last chunk and 0x00 for every other. So a chunk only authenticates at its own
// position, and only the final chunk authenticates as final: reordering, duplicating or dropping chunks
// fails (DECRYPTION_FAILED), cutting the stream at a chunk boundary leaves no final chunk
// (STREAM_TRUNCATED), and anything after the final chunk is refused (STREAM_TRAILING_DATA).
//
// The plaintext is cut into chunks of exactly CHUNK_SIZE bytes; the last one holds 1..CHUNK_SIZE bytes and
// is empty only when the whole plaintext is empty. The key MUST be used for one stream only: the nonce
// sequence restarts at zero for every stream, which is safe only because each stream has a fresh key.
//
// Memory stays constant: the encryptor holds at most one plaintext chunk, the decryptor at most one
// sealed chunk, plus the slice being processed.

import { concatParts } from './bytes.ts';
import { CryptoError, isCryptoError } from './errors.ts';

export const CHUNK_SIZE = 64 * 1024;
export const TAG_SIZE = 16;
export const NONCE_SIZE = 12;
/** Size of a sealed full chunk. */
export const SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;

/**
 * A sealed chunk: ciphertext || 16-byte tag, as one array or as pieces in order (an engine that returns
 * the tag apart, like node:crypto, then costs no concatenation: the stream emits the pieces as they are).
 */
export type SealedChunk = Uint8Array | readonly Uint8Array[];

/**
 * One AEAD under a fixed key, without associated data. `seal` returns ciphertext || 16-byte tag; `open`
 * returns the plaintext or throws CryptoError('DECRYPTION_FAILED'). Both may be synchronous (noble) or
 * asynchronous (WebCrypto). Implementations MUST have read `nonce` and their input by the time they
 * return (WebCrypto copies its arguments when called): the stream reuses those buffers at once and keeps
 * several asynchronous calls in flight.
 */
/** The sealed chunk as one array (copies only when it came in pieces). */
export function joinSealed(sealed: SealedChunk): Uint8Array {
  return sealed instanceof Uint8Array ? sealed : concatParts(sealed);
}

export interface ChunkAead {
  seal(nonce: Uint8Array, plaintext: Uint8Array): SealedChunk | Promise<SealedChunk>;
  open(nonce: Uint8Array, sealed: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** Receives each output piece; the array is fresh or a view the caller may keep. */
export type Emit = (chunk: Uint8Array) => void;

/** The age STREAM nonce: counter (11 bytes, big-endian) || last-chunk flag. */
class StreamNonce {
  private readonly counter = new Uint8Array(NONCE_SIZE - 1);
  private started = false;

  /** `start` (11 bytes) exists for tests of the overflow guard only. */
  constructor(start?: Uint8Array) {
    if (start !== undefined) {
      this.counter.set(start);
      this.started = true;
    }
  }

  /** The nonce for the current chunk, as a fresh array. */
  current(last: boolean): Uint8Array {
    const nonce = new Uint8Array(NONCE_SIZE);
    nonce.set(this.counter);
    nonce[NONCE_SIZE - 1] = last ? 1 : 0;
    return nonce;
  }

  /** True before the first increment, i.e. while processing chunk zero. */
  isFirst(): boolean {
    return !this.started;
  }

  /** Moves to the next chunk. Throws RangeError if the 88-bit counter would wrap (never in practice). */
  increment(): void {
    this.started = true;
    for (let i = this.counter.length - 1; i >= 0; i--) {
      this.counter[i] = (this.counter[i]! + 1) & 0xff;
      if (this.counter[i] !== 0) return;
    }
    throw new RangeError('STREAM chunk counter overflow');
  }
}

/**
 * At most this many chunks are being sealed at once. An asynchronous engine (WebCrypto) computes on
 * another thread: keeping a few calls in flight overlaps its work with ours (copies, framing, emitting)
 * instead of alternating with it. Memory stays bounded: each call holds one chunk.
 */
const MAX_IN_FLIGHT = 8;

/**
 * Encryption state machine behind createStreamEncryptor, for formats that frame a STREAM themselves:
 * push() plaintext pieces in order (awaiting each), then finish() once. Sealed chunks are emitted in
 * order, up to MAX_IN_FLIGHT - 1 of them after push() resolves (through the same `emit`), all of them
 * before finish() resolves. The input is read before push() resolves, so the caller may reuse it.
 */
export class StreamSealer {
  private readonly nonce = new StreamNonce();
  private readonly buffer = new Uint8Array(CHUNK_SIZE);
  private used = 0;
  private finished = false;
  private readonly inFlight: Promise<SealedChunk>[] = [];

  constructor(private readonly aead: ChunkAead) {}

  // A full buffer is sealed only once more input arrives: until then it may be the last chunk, which
  // age allows to be full.
  async push(input: Uint8Array, emit: Emit): Promise<void> {
    if (this.finished) throw new TypeError('STREAM already finished');
    let rest = input;
    while (rest.length > 0) {
      if (this.used === CHUNK_SIZE) {
        await this.startSeal(this.buffer, false, emit);
        this.used = 0;
      }
      if (this.used === 0 && rest.length > CHUNK_SIZE) {
        // Whole chunks straight from the input, known not to be last: no copy.
        await this.startSeal(rest.subarray(0, CHUNK_SIZE), false, emit);
        rest = rest.subarray(CHUNK_SIZE);
        continue;
      }
      const n = Math.min(CHUNK_SIZE - this.used, rest.length);
      this.buffer.set(rest.subarray(0, n), this.used);
      this.used += n;
      rest = rest.subarray(n);
    }
  }

  async finish(emit: Emit): Promise<void> {
    if (this.finished) throw new TypeError('STREAM already finished');
    this.finished = true;
    await this.startSeal(this.buffer.subarray(0, this.used), true, emit);
    await this.drain(0, emit);
    this.used = 0;
  }

  // The nonce is taken, and the input read, when the call starts: order is fixed even though results
  // arrive later, and the buffer may be refilled at once.
  private async startSeal(plaintext: Uint8Array, last: boolean, emit: Emit): Promise<void> {
    const sealed = Promise.resolve(this.aead.seal(this.nonce.current(last), plaintext));
    sealed.catch(() => undefined); // awaited in drain(); a failure there must not also be "unhandled"
    this.nonce.increment();
    this.inFlight.push(sealed);
    await this.drain(MAX_IN_FLIGHT - 1, emit);
  }

  /** Emits finished chunks, oldest first, until at most `keep` remain in flight. */
  private async drain(keep: number, emit: Emit): Promise<void> {
    while (this.inFlight.length > keep) {
      const sealed = await this.inFlight.shift()!;
      if (sealed instanceof Uint8Array) emit(sealed);
      else for (const piece of sealed) emit(piece);
    }
  }
}

/**
 * Decryption state machine behind createStreamDecryptor: push() sealed pieces in order (awaiting each),
 * then finish() once. Emits each chunk's plaintext only after its tag verifies, in order; with a stated
 * length, up to MAX_IN_FLIGHT - 1 chunks after push() resolves, all before finish() resolves. A chunk
 * that fails while in flight errors the next push() or finish(): nothing after it is released.
 *
 * `sealedLength`, when the format states it up front (document payloads), tells which chunk is the last
 * one, so chunks are opened with the right flag at once and several can be in flight. Without it (age
 * files) each full chunk is tried as a middle chunk, then as a full final one, one at a time.
 */
export class StreamOpener {
  private readonly nonce = new StreamNonce();
  private readonly buffer = new Uint8Array(SEALED_CHUNK_SIZE);
  private used = 0;
  private opened = 0;
  private done = false;
  private readonly inFlight: Promise<Uint8Array>[] = [];

  constructor(private readonly aead: ChunkAead, private readonly sealedLength?: number) {
    if (sealedLength !== undefined && (!Number.isSafeInteger(sealedLength) || sealedLength < TAG_SIZE)) {
      throw new RangeError('sealed length must be an integer of at least one tag');
    }
  }

  // A full sealed chunk is opened as soon as it is complete, without waiting to see whether more follows
  // (as age's Go reader does), so plaintext is released as early as possible and a cut at a chunk
  // boundary is STREAM_TRUNCATED.
  async push(input: Uint8Array, emit: Emit): Promise<void> {
    if (this.sealedLength !== undefined && this.opened + this.used + input.length > this.sealedLength) {
      await this.drain(0, emit); // a chunk out of place in flight is reported as such first
      throw new CryptoError('STREAM_TRAILING_DATA');
    }
    let rest = input;
    while (rest.length > 0) {
      if (this.done) throw new CryptoError('STREAM_TRAILING_DATA');
      if (this.used === 0 && rest.length >= SEALED_CHUNK_SIZE) {
        await this.openFull(rest.subarray(0, SEALED_CHUNK_SIZE), emit);
        rest = rest.subarray(SEALED_CHUNK_SIZE);
        continue;
      }
      const n = Math.min(SEALED_CHUNK_SIZE - this.used, rest.length);
      this.buffer.set(rest.subarray(0, n), this.used);
      this.used += n;
      rest = rest.subarray(n);
      if (this.used === SEALED_CHUNK_SIZE) {
        this.used = 0;
        await this.openFull(this.buffer, emit);
      }
    }
  }

  async finish(emit: Emit): Promise<void> {
    await this.drain(0, emit);
    if (this.done) return;
    if (this.used === 0) throw new CryptoError('STREAM_TRUNCATED');
    if (this.sealedLength !== undefined && this.opened + this.used !== this.sealedLength) {
      throw new CryptoError('STREAM_TRUNCATED');
    }
    if (this.used < TAG_SIZE) throw new CryptoError('DECRYPTION_FAILED');
    const plaintext = await this.aead.open(this.nonce.current(true), this.buffer.subarray(0, this.used));
    // Only the first chunk may be empty (the empty plaintext). An authentic empty final chunk after a
    // full one is something no conforming encryptor writes (age rejects it too); a forged one already
    // failed above.
    if (plaintext.length === 0 && !this.nonce.isFirst()) throw new CryptoError('FORMAT_INVALID');
    this.used = 0;
    this.done = true;
    if (plaintext.length > 0) emit(plaintext);
  }

  private async openFull(sealed: Uint8Array, emit: Emit): Promise<void> {
    if (this.sealedLength === undefined) {
      await this.openFullGuessingLast(sealed, emit);
      return;
    }
    const last = this.opened + sealed.length === this.sealedLength;
    const plaintext = Promise.resolve(this.aead.open(this.nonce.current(last), sealed));
    plaintext.catch(() => undefined); // awaited in drain(); a failure there must not also be "unhandled"
    this.nonce.increment();
    this.opened += sealed.length;
    this.done = last;
    this.inFlight.push(plaintext);
    await this.drain(MAX_IN_FLIGHT - 1, emit);
  }

  private async openFullGuessingLast(sealed: Uint8Array, emit: Emit): Promise<void> {
    let plaintext: Uint8Array;
    try {
      plaintext = await this.aead.open(this.nonce.current(false), sealed);
    } catch (error) {
      if (!isCryptoError(error, 'DECRYPTION_FAILED')) throw error;
      plaintext = await this.aead.open(this.nonce.current(true), sealed);
      this.done = true;
    }
    this.nonce.increment();
    this.opened += sealed.length;
    emit(plaintext);
  }

  /** Emits opened chunks, oldest first, until at most `keep` remain in flight. */
  private async drain(keep: number, emit: Emit): Promise<void> {
    while (this.inFlight.length > keep) emit(await this.inFlight.shift()!);
  }
}

/** Plaintext in, sealed STREAM out. Input may be sliced arbitrarily. */
export function createStreamEncryptor(aead: ChunkAead): TransformStream<Uint8Array, Uint8Array> {
  const sealer = new StreamSealer(aead);
  return new TransformStream({
    transform: (chunk, controller) => sealer.push(chunk, (out) => { controller.enqueue(out); }),
    flush: (controller) => sealer.finish((out) => { controller.enqueue(out); }),
  });
}

/**
 * Sealed STREAM in, plaintext out. Input may be sliced arbitrarily. The stream errors with a CryptoError:
 * DECRYPTION_FAILED (a chunk does not authenticate at its position), STREAM_TRUNCATED (the input ends
 * without a final chunk), STREAM_TRAILING_DATA (bytes after the final chunk), FORMAT_INVALID (an empty
 * final chunk after a full one). Everything enqueued before the error was authenticated.
 */
export function createStreamDecryptor(aead: ChunkAead): TransformStream<Uint8Array, Uint8Array> {
  const opener = new StreamOpener(aead);
  return new TransformStream({
    transform: (chunk, controller) => opener.push(chunk, (out) => { controller.enqueue(out); }),
    flush: (controller) => opener.finish((out) => { controller.enqueue(out); }),
  });
}

/** Seals a whole plaintext held in memory (small inputs, tests). */
export async function encryptStreamBytes(aead: ChunkAead, bytes: Uint8Array): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const sealer = new StreamSealer(aead);
  await sealer.push(bytes, (out) => parts.push(out));
  await sealer.finish((out) => parts.push(out));
  return concatParts(parts);
}

/** Opens a whole sealed STREAM held in memory; throws the same CryptoErrors as the decryptor. */
export async function decryptStreamBytes(aead: ChunkAead, bytes: Uint8Array): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const opener = new StreamOpener(aead);
  await opener.push(bytes, (out) => parts.push(out));
  await opener.finish((out) => parts.push(out));
  return concatParts(parts);
}

/** Sealed size of a plaintext of `plaintextLength` bytes. */
export function sealedStreamLength(plaintextLength: number): number {
  if (!Number.isSafeInteger(plaintextLength) || plaintextLength < 0) {
    throw new RangeError('plaintext length must be a non-negative safe integer');
  }
  const chunks = Math.max(1, Math.ceil(plaintextLength / CHUNK_SIZE));
  return plaintextLength + chunks * TAG_SIZE;
}

export { StreamNonce as testOnlyStreamNonce };
