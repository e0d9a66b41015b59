// Asynchronous batch verification of Ed25519 signatures through WebCrypto where it is available:
// Chromium verifies ~22,000/s natively against libsodium's ~11,000/s, so a vault of 10,000 signed
// records is checked in about half a second. Same decisions as ed25519Verify (pinned by the same
// vectors): WebCrypto engines (BoringSSL, OpenSSL) check the cofactorless equation and S < L but accept
// small-order points and some non-canonical encodings, so those are refused here, by bytes, before any
// WebCrypto call: the checks libsodium makes (ge25519_is_canonical, ge25519_has_small_order).
//
// The equation itself is the engine's: before first use, probe signatures check that it is the
// cofactorless one (a low-order residue fails) and that keys with a torsion component are not refused.
// Without WebCrypto Ed25519 (older browsers), or when any probe disagrees, the batch falls back to the
// synchronous ed25519VerifyMany.

import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { ed25519VerifyMany, KEY_BYTES, SIGNATURE_BYTES, type SignedMessage } from './primitives.ts';

export type BatchImplementation = 'webcrypto' | 'sync';

// Encodings of the points of small order with y < p: the 8 canonical ones, then the two with x = 0 and
// the sign bit set (non-canonical, RFC 8032 §5.1.3). Little-endian, as on the wire.
const SMALL_ORDER_ENCODINGS = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0100000000000000000000000000000000000000000000000000000000000080',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
];
const FIELD_PRIME_LE = fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
const GROUP_ORDER_LE = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');

let forceSync = false;
let support: Promise<boolean> | null = null;

/** Strict ed25519Verify over a list, one boolean per item in order; WebCrypto when usable. */
export async function ed25519VerifyManyAsync(items: readonly SignedMessage[]): Promise<boolean[]> {
  if ((await ed25519BatchImplementation()) === 'sync') return ed25519VerifyMany(items);
  const keys = new Map<string, Promise<CryptoKey>>();
  return Promise.all(items.map((item) => verifyWithWebCrypto(item, keys)));
}

/** Which path ed25519VerifyManyAsync takes in this environment. */
export async function ed25519BatchImplementation(): Promise<BatchImplementation> {
  if (forceSync) return 'sync';
  support ??= detectWebCryptoEd25519();
  return (await support) ? 'webcrypto' : 'sync';
}

/** Test hook: force the synchronous fallback (true), or let detection decide again (false). */
export function testOnlyForceSyncBatch(force: boolean): void {
  forceSync = force;
}

/** The checks WebCrypto engines skip: lengths, S < L, A and R canonical and not of small order. */
export function passesStrictEncodingChecks(publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false;
  const encodedR = signature.subarray(0, 32);
  return isBelow(signature.subarray(32), GROUP_ORDER_LE) && isStrictPoint(publicKey) && isStrictPoint(encodedR);
}

function isStrictPoint(encoded: Uint8Array): boolean {
  const y = encoded.slice();
  y[31] = (y[31] ?? 0) & 0x7f;
  if (!isBelow(y, FIELD_PRIME_LE)) return false;
  const hex = toHex(encoded);
  return !SMALL_ORDER_ENCODINGS.includes(hex);
}

/** Little-endian comparison of a 32-byte value with a 32-byte constant: value < bound. */
function isBelow(value: Uint8Array, bound: Uint8Array): boolean {
  for (let i = 31; i >= 0; i -= 1) {
    const byte = value[i] ?? 0;
    const limit = bound[i] ?? 0;
    if (byte !== limit) return byte < limit;
  }
  return false;
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

async function verifyWithWebCrypto(item: SignedMessage, keys: Map<string, Promise<CryptoKey>>): Promise<boolean> {
  if (!passesStrictEncodingChecks(item.publicKey, item.signature)) return false;
  try {
    const id = toHex(item.publicKey);
    let key = keys.get(id);
    if (key === undefined) {
      key = importVerifyKey(item.publicKey);
      keys.set(id, key);
    }
    return await crypto.subtle.verify('Ed25519', await key, copy(item.signature), copy(item.message));
  } catch {
    return false; // not a point on the curve, or the engine refused the key
  }
}

function importVerifyKey(publicKey: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', copy(publicKey), { name: 'Ed25519' }, false, ['verify']);
}

async function detectWebCryptoEd25519(): Promise<boolean> {
  if (typeof globalThis.crypto === 'undefined' || typeof globalThis.crypto.subtle === 'undefined') return false;
  try {
    for (const probe of testOnlyProbeSignatures()) {
      const key = await importVerifyKey(probe.publicKey);
      const accepted = await crypto.subtle.verify('Ed25519', key, copy(probe.signature), copy(probe.message));
      if (accepted !== probe.expected) return false;
    }
    return true;
  } catch {
    return false;
  }
}

export interface ProbeSignature extends SignedMessage {
  expected: boolean;
}

/**
 * Public test signatures (fixed key and nonce) on which engines differ: an honest one, a forgery, one
 * whose R carries an order-8 component (cofactorless: reject) and one under a key A + T, T of order 2,
 * with an even k so the torsion vanishes (accept: no subgroup check on A).
 */
export function testOnlyProbeSignatures(): ProbeSignature[] {
  const { Point } = ed25519;
  const a = ed25519.utils.getExtendedPublicKey(new Uint8Array(32).fill(7)).scalar;
  const r = 0x5eed_c0ffee_5eedn;
  const [order8, order2] = [Point.fromBytes(fromHex(SMALL_ORDER_ENCODINGS[3] ?? '')), Point.fromBytes(fromHex(SMALL_ORDER_ENCODINGS[7] ?? ''))];
  const sign = (R: typeof Point.BASE, A: typeof Point.BASE, counter: number): ProbeSignature & { k: bigint } => {
    const message = new TextEncoder().encode(`coffre-sante/v1/webcrypto-ed25519-probe/${counter}`);
    const k = Point.Fn.create(bytesToNumberLE(sha512(concatBytes(R.toBytes(), A.toBytes(), message))));
    const signature = concatBytes(R.toBytes(), numberToBytesLE(Point.Fn.create(r + k * a), 32));
    return { publicKey: A.toBytes(), message, signature, expected: true, k };
  };
  const [R, A] = [Point.BASE.multiply(r), Point.BASE.multiply(a)];
  const honest = sign(R, A, 0);
  const forged = { ...honest, signature: honest.signature.map((byte, i) => (i === 40 ? byte ^ 1 : byte)), expected: false };
  const residue = { ...sign(R.add(order8), A, 0), expected: false };
  let mixedKey = sign(R, A.add(order2), 1);
  for (let counter = 2; mixedKey.k % 2n !== 0n; counter += 1) mixedKey = sign(R, A.add(order2), counter);
  return [honest, forged, residue, mixedKey].map(({ publicKey, message, signature, expected }) => ({ publicKey, message, signature, expected }));
}

/** A copy on a fresh ArrayBuffer: WebCrypto takes no SharedArrayBuffer view, and the caller may reuse its buffer. */
function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
