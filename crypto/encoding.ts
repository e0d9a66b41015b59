// Canonical binary encoding for everything we sign, hash or bind as associated data. Big-endian,
// length-prefixed, in a fixed field order: one byte string has exactly one encoding, so two parties that
// agree on the fields agree on the bytes. Readers reject short input and trailing bytes.

import { CryptoError } from './errors.ts';

const MAX_U32 = 0xffff_ffff;

export class ByteWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  u8(value: number): this {
    checkUint(value, 0xff, 'u8');
    return this.push(Uint8Array.of(value));
  }

  u16(value: number): this {
    checkUint(value, 0xffff, 'u16');
    return this.push(Uint8Array.of(value >>> 8, value & 0xff));
  }

  u32(value: number): this {
    checkUint(value, MAX_U32, 'u32');
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, value);
    return this.push(out);
  }

  /** Unsigned integer up to 2^53 - 1, written on 8 bytes. */
  u64(value: number): this {
    checkUint(value, Number.MAX_SAFE_INTEGER, 'u64');
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt(value));
    return this.push(out);
  }

  /** Bytes whose length both sides already know (a key, a hash). */
  fixed(bytes: Uint8Array, expectedLength: number): this {
    if (bytes.length !== expectedLength) {
      throw new RangeError(`expected ${expectedLength} bytes, got ${bytes.length}`);
    }
    return this.push(bytes.slice());
  }

  /** Variable-length bytes: a u32 length, then the bytes. */
  bytes(bytes: Uint8Array): this {
    return this.u32(bytes.length).push(bytes.slice());
  }

  /** UTF-8 text, length-prefixed like bytes(). */
  text(value: string): this {
    return this.bytes(new TextEncoder().encode(value));
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private push(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }
}

/** Reads what ByteWriter wrote; any short read or leftover byte is FORMAT_INVALID. */
export class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly input: Uint8Array) {
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }

  u8(): number {
    return this.view.getUint8(this.advance(1));
  }

  u16(): number {
    return this.view.getUint16(this.advance(2));
  }

  u32(): number {
    return this.view.getUint32(this.advance(4));
  }

  u64(): number {
    const value = this.view.getBigUint64(this.advance(8));
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CryptoError('FORMAT_INVALID');
    return Number(value);
  }

  fixed(length: number): Uint8Array {
    const start = this.advance(length);
    return this.input.slice(start, start + length);
  }

  bytes(maxLength = MAX_U32): Uint8Array {
    const length = this.u32();
    if (length > maxLength) throw new CryptoError('FORMAT_INVALID');
    return this.fixed(length);
  }

  text(maxLength = MAX_U32): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes(maxLength));
    } catch (error) {
      if (error instanceof CryptoError) throw error;
      throw new CryptoError('FORMAT_INVALID', { cause: error });
    }
  }

  get remaining(): number {
    return this.input.length - this.offset;
  }

  /** Asserts that every byte was consumed. */
  end(): void {
    if (this.remaining !== 0) throw new CryptoError('FORMAT_INVALID');
  }

  private advance(length: number): number {
    if (length > this.remaining) throw new CryptoError('FORMAT_INVALID');
    const start = this.offset;
    this.offset += length;
    return start;
  }
}

function checkUint(value: number, max: number, kind: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${kind} out of range: ${value}`);
  }
}
