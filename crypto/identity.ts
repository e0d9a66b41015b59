// Identities and their self-signed public key bundles (DESIGN.md "Keys", ATK-03, ATK-35).
//
// An identity is two 32-byte seeds: an Ed25519 signing seed and the hybrid KEM seed (the age
// `mlkem768x25519` identity seed). Accounts (patients, practitioners) and vaults (a child's record) are
// identities alike. The public half is published as one bundle, signed by its own signing key, so the
// server cannot pair someone's account id with keys it made (it would need that account's signing seed).
// Self-signing alone does not stop a server from inventing a whole new identity: fingerprint.ts pins it.
//
// Signed bundle layout (all integers big-endian):
//   u16 version (= 1) | text accountId | u8 role | fixed32 signingPublicKey
//   | fixed1216 encryptionPublicKey | u64 createdAt (ms) | fixed64 signature
// signature = Ed25519(signingSeed, text("coffre-sante/v1/public-bundle") || bytes(everything before it)).

import { ByteReader, ByteWriter } from './encoding.ts';
import { HYBRID_PUBLIC_KEY_BYTES, HYBRID_SEED_BYTES, kemPublicKey } from './envelope-kem.ts';
import { CryptoError } from './errors.ts';
import { checkLength, ed25519Keygen, ed25519Sign, ed25519Verify, KEY_BYTES, randomBytes, SIGNATURE_BYTES } from './primitives.ts';

export const PUBLIC_BUNDLE_VERSION = 1;
export const PUBLIC_BUNDLE_LABEL = 'coffre-sante/v1/public-bundle';
export const MAX_ACCOUNT_ID_BYTES = 256;

export type IdentityRole = 'patient' | 'practitioner' | 'vault';
const ROLE_CODES: Record<IdentityRole, number> = { patient: 1, practitioner: 2, vault: 3 };
const ROLES: readonly IdentityRole[] = ['patient', 'practitioner', 'vault'];

/** The secret half of an identity. Never leaves the client unwrapped. */
export interface IdentitySecrets {
  signingSeed: Uint8Array;
  kemSeed: Uint8Array;
}

export interface IdentityPublicKeys {
  signingPublicKey: Uint8Array;
  encryptionPublicKey: Uint8Array;
}

export interface PublicKeyBundle extends IdentityPublicKeys {
  version: typeof PUBLIC_BUNDLE_VERSION;
  accountId: string;
  role: IdentityRole;
  /** Milliseconds since the Unix epoch. */
  createdAt: number;
}

/** Fresh random seeds for a new account or vault. */
export function generateIdentity(): IdentitySecrets {
  return { signingSeed: randomBytes(KEY_BYTES), kemSeed: randomBytes(HYBRID_SEED_BYTES) };
}

/** The public keys of an identity (deterministic from its seeds). */
export function identityPublicKeys(secrets: IdentitySecrets): IdentityPublicKeys {
  checkLength(secrets.signingSeed, KEY_BYTES, 'signing seed');
  return {
    signingPublicKey: ed25519Keygen(secrets.signingSeed).publicKey,
    encryptionPublicKey: kemPublicKey(secrets.kemSeed),
  };
}

/** The signed bundle bytes for `secrets`. */
export function signPublicBundle(
  secrets: IdentitySecrets,
  fields: { accountId: string; role: IdentityRole; createdAt: number },
): Uint8Array {
  const bundle: PublicKeyBundle = { version: PUBLIC_BUNDLE_VERSION, ...fields, ...identityPublicKeys(secrets) };
  const body = encodeBundleBody(bundle);
  const signature = ed25519Sign(secrets.signingSeed, labelled(PUBLIC_BUNDLE_LABEL, body));
  return new ByteWriter().fixed(body, body.length).fixed(signature, SIGNATURE_BYTES).finish();
}

/**
 * Parses and checks a signed bundle. Throws VERSION_UNSUPPORTED for another format version,
 * FORMAT_INVALID for bad structure, SIGNATURE_INVALID when its own key did not sign it.
 */
export function verifyPublicBundle(bytes: Uint8Array): PublicKeyBundle {
  if (bytes.length < 2 + SIGNATURE_BYTES) throw new CryptoError('FORMAT_INVALID');
  const body = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  const signature = bytes.subarray(bytes.length - SIGNATURE_BYTES);
  const bundle = decodeBundleBody(body);
  if (!ed25519Verify(bundle.signingPublicKey, labelled(PUBLIC_BUNDLE_LABEL, body), signature)) {
    throw new CryptoError('SIGNATURE_INVALID');
  }
  return bundle;
}

function encodeBundleBody(bundle: PublicKeyBundle): Uint8Array {
  checkAccountId(bundle.accountId);
  return new ByteWriter()
    .u16(bundle.version)
    .text(bundle.accountId)
    .u8(ROLE_CODES[bundle.role])
    .fixed(bundle.signingPublicKey, KEY_BYTES)
    .fixed(bundle.encryptionPublicKey, HYBRID_PUBLIC_KEY_BYTES)
    .u64(bundle.createdAt)
    .finish();
}

function decodeBundleBody(body: Uint8Array): PublicKeyBundle {
  const reader = new ByteReader(body);
  if (reader.u16() !== PUBLIC_BUNDLE_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
  const accountId = readAccountId(reader);
  const role = decodeRole(reader.u8());
  const signingPublicKey = reader.fixed(KEY_BYTES);
  const encryptionPublicKey = reader.fixed(HYBRID_PUBLIC_KEY_BYTES);
  const createdAt = reader.u64();
  reader.end();
  return { version: PUBLIC_BUNDLE_VERSION, accountId, role, signingPublicKey, encryptionPublicKey, createdAt };
}

function decodeRole(code: number): IdentityRole {
  const role = ROLES[code - 1];
  if (role === undefined) throw new CryptoError('FORMAT_INVALID');
  return role;
}

/** Reads a non-empty account (or vault, document) id of at most MAX_ACCOUNT_ID_BYTES. */
export function readAccountId(reader: ByteReader): string {
  const id = reader.text(MAX_ACCOUNT_ID_BYTES);
  if (id.length === 0) throw new CryptoError('FORMAT_INVALID');
  return id;
}

/** Caller misuse (RangeError) when an id is empty or too long to encode. */
export function checkAccountId(id: string): void {
  const length = new TextEncoder().encode(id).length;
  if (length === 0 || length > MAX_ACCOUNT_ID_BYTES) throw new RangeError('id must be 1 to 256 UTF-8 bytes');
}

/** The message an Ed25519 signature covers: a purpose label, then the signed bytes. */
export function labelled(label: string, body: Uint8Array): Uint8Array {
  return new ByteWriter().text(label).bytes(body).finish();
}
