// Key envelopes (ATK-05, ATK-11, ATK-12, ATK-20, ATK-21).
//
// Anyone can encrypt to a public key, the server included, so an envelope proves nothing unless a key
// allowed to write signs it. Two signed kinds carry a hybrid KEM stanza (envelope-kem.ts):
//   identity envelope: a document version's 32-byte file key, for one recipient's hybrid public key;
//   grant-key envelope: a random 32-byte grant key, once per recipient of a grant;
//   vault-key envelope: a vault identity's two seeds (64 bytes), once per manager of the vault.
// Signed envelope layout:
//   u16 version (= 1) | fixed32 recipientKeyId | bytes stanza | fixed32 signerPublicKey | fixed64 signature
//   signature = Ed25519(signer, text(label) | bytes(u16 version | context | fixed32 recipientKeyId | bytes stanza))
//   identity envelope: label "coffre-sante/v1/identity-envelope", context = text vaultId | text documentId | u32 version
//   grant-key envelope: label "coffre-sante/v1/grant-key-envelope", context = text vaultId | text grantId
//   vault-key envelope: label "coffre-sante/v1/vault-key-envelope", context = text vaultId, signer = the vault itself
// The context is not stored in the envelope: the reader supplies the one it expects, so an envelope moved
// to another document, version or grant fails its signature.
//
// Grant wraps carry a file key under the grant key, with symmetric work only, so sharing 10,000 documents
// costs one KEM wrap and one signature in total:
//   u8 version (= 1) | fixed24 nonce | XChaCha20-Poly1305(grantKey, nonce, fileKey, aad)   (73 bytes)
//   aad = text("coffre-sante/v1/grant-wrap") | text grantId | text vaultId | text documentId | u32 version
// They are not signed one by one: only holders of the grant key (from a signed grant-key envelope) can make
// one that authenticates, and every file key is still checked against the author-signed commitment in the
// document manifest (manifest.ts), so even a recipient forging wraps for itself gains nothing.

import { encodeDocumentContext, FILE_KEY_BYTES, type DocumentContext } from './document-context.ts';
import { ByteReader, ByteWriter } from './encoding.ts';
import { HYBRID_PUBLIC_KEY_BYTES, kemPublicKey, kemUnwrap, kemWrap } from './envelope-kem.ts';
import { CryptoError } from './errors.ts';
import { checkAccountId, identityPublicKeys, labelled, type IdentitySecrets, type PublicKeyBundle } from './identity.ts';
import {
  checkLength, constantTimeEqual, ed25519Keygen, ed25519Sign, ed25519Verify, HASH_BYTES, KEY_BYTES,
  randomBytes, sha256, SIGNATURE_BYTES, xchacha20poly1305Open, xchacha20poly1305Seal,
} from './primitives.ts';

export const ENVELOPE_VERSION = 1;
export const IDENTITY_ENVELOPE_LABEL = 'coffre-sante/v1/identity-envelope';
export const GRANT_KEY_ENVELOPE_LABEL = 'coffre-sante/v1/grant-key-envelope';
export const VAULT_KEY_ENVELOPE_LABEL = 'coffre-sante/v1/vault-key-envelope';
export const GRANT_WRAP_LABEL = 'coffre-sante/v1/grant-wrap';
export const RECIPIENT_ID_LABEL = 'coffre-sante/v1/recipient-id';
export const GRANT_KEY_BYTES = 32;
const NONCE_BYTES = 24;
/** u8 version | 24-byte nonce | 32-byte file key | 16-byte tag. */
export const GRANT_WRAP_BYTES = 1 + NONCE_BYTES + FILE_KEY_BYTES + 16;
/** getRandomValues gives at most 65,536 bytes per call. */
const NONCES_PER_DRAW = 2048;
const MAX_STANZA_BYTES = 4096;

/** One version of one document: the same context the payload and metadata keys bind (document-context.ts). */
export type DocumentVersionRef = DocumentContext;

export interface GrantRef {
  vaultId: string;
  grantId: string;
}

/** What a recipient needs to open envelopes: its KEM seed and the id of its public key. */
export interface EnvelopeOpener {
  kemSeed: Uint8Array;
  keyId: Uint8Array;
}

/** recipientKeyId = SHA-256(text("coffre-sante/v1/recipient-id") | fixed1216 hybridPublicKey). */
export function recipientKeyId(encryptionPublicKey: Uint8Array): Uint8Array {
  return sha256(new ByteWriter().text(RECIPIENT_ID_LABEL).fixed(encryptionPublicKey, HYBRID_PUBLIC_KEY_BYTES).finish());
}

export function envelopeOpener(kemSeed: Uint8Array): EnvelopeOpener {
  return { kemSeed, keyId: recipientKeyId(kemPublicKey(kemSeed)) };
}

/** Wraps a file key for one recipient, signed by the author (or the vault owner). */
export function sealEnvelope(fileKey: Uint8Array, ref: DocumentVersionRef, recipientPublicKey: Uint8Array, signerSeed: Uint8Array): Uint8Array {
  checkLength(fileKey, FILE_KEY_BYTES, 'file key');
  return sealSigned(IDENTITY_ENVELOPE_LABEL, documentContext(ref), fileKey, recipientPublicKey, signerSeed);
}

/**
 * The file key of `ref` if this envelope is addressed to `opener`, else null. Checks the signer against
 * `allowedSigners` (SIGNER_NOT_ALLOWED) and the signature over `ref` (SIGNATURE_INVALID) before any unwrap;
 * a signed envelope for us that does not unwrap is DECRYPTION_FAILED.
 */
export function openEnvelope(bytes: Uint8Array, ref: DocumentVersionRef, opener: EnvelopeOpener, allowedSigners: readonly Uint8Array[]): Uint8Array | null {
  return openSigned(IDENTITY_ENVELOPE_LABEL, documentContext(ref), bytes, opener, allowedSigners, FILE_KEY_BYTES);
}

export function generateGrantKey(): Uint8Array {
  return randomBytes(GRANT_KEY_BYTES);
}

/** Wraps a grant key for its recipient (one KEM wrap and one signature per recipient). */
export function sealGrantKey(grantKey: Uint8Array, ref: GrantRef, recipientPublicKey: Uint8Array, signerSeed: Uint8Array): Uint8Array {
  checkLength(grantKey, GRANT_KEY_BYTES, 'grant key');
  return sealSigned(GRANT_KEY_ENVELOPE_LABEL, grantContext(ref), grantKey, recipientPublicKey, signerSeed);
}

/** The grant key, or null when not addressed to `opener`; same checks and errors as openEnvelope. */
export function openGrantKey(bytes: Uint8Array, ref: GrantRef, opener: EnvelopeOpener, allowedSigners: readonly Uint8Array[]): Uint8Array | null {
  return openSigned(GRANT_KEY_ENVELOPE_LABEL, grantContext(ref), bytes, opener, allowedSigners, GRANT_KEY_BYTES);
}

/**
 * The vault identity's seeds (signingSeed || kemSeed, 64 bytes) for one manager, signed with the vault's own
 * signing key: only someone who already holds the vault's keys (the creator or a manager) can add a manager.
 */
export function sealVaultKeys(vault: IdentitySecrets, vaultId: string, managerPublicKey: Uint8Array): Uint8Array {
  checkLength(vault.kemSeed, KEY_BYTES, 'vault KEM seed');
  const seeds = new Uint8Array(2 * KEY_BYTES);
  seeds.set(vault.signingSeed);
  seeds.set(vault.kemSeed, KEY_BYTES);
  return sealSigned(VAULT_KEY_ENVELOPE_LABEL, vaultContext(vaultId), seeds, managerPublicKey, vault.signingSeed);
}

/**
 * The vault's seeds if this envelope is for `opener`, else null. Only the signing key of the verified
 * `vaultBundle` may sign (SIGNER_NOT_ALLOWED, SIGNATURE_INVALID), and the seeds must give exactly that
 * bundle's public keys (KEY_BUNDLE_INVALID otherwise), so a manager never adopts keys the server chose.
 */
export function openVaultKeys(bytes: Uint8Array, vaultBundle: PublicKeyBundle, opener: EnvelopeOpener): IdentitySecrets | null {
  if (vaultBundle.role !== 'vault') throw new RangeError('vaultBundle must be a vault identity');
  const context = vaultContext(vaultBundle.accountId);
  const seeds = openSigned(VAULT_KEY_ENVELOPE_LABEL, context, bytes, opener, [vaultBundle.signingPublicKey], 2 * KEY_BYTES);
  if (seeds === null) return null;
  const secrets = { signingSeed: seeds.slice(0, KEY_BYTES), kemSeed: seeds.slice(KEY_BYTES) };
  const keys = identityPublicKeys(secrets);
  if (!constantTimeEqual(keys.signingPublicKey, vaultBundle.signingPublicKey) || !constantTimeEqual(keys.encryptionPublicKey, vaultBundle.encryptionPublicKey)) {
    throw new CryptoError('KEY_BUNDLE_INVALID');
  }
  return secrets;
}

/** A file key wrapped under a grant key, bound to (grant, vault, document, version). Symmetric only. */
export function wrapForGrant(grantKey: Uint8Array, grantId: string, ref: DocumentVersionRef, fileKey: Uint8Array): Uint8Array {
  return wrapManyForGrant(grantKey, grantId, [{ ref, fileKey }])[0]!;
}

/** wrapForGrant for many documents at once: one call for all the nonces, one grant-id encoding. */
export function wrapManyForGrant(grantKey: Uint8Array, grantId: string, items: readonly { ref: DocumentVersionRef; fileKey: Uint8Array }[]): Uint8Array[] {
  checkLength(grantKey, GRANT_KEY_BYTES, 'grant key');
  const prefix = grantWrapAadPrefix(grantId);
  let nonces: Uint8Array = new Uint8Array(0);
  return items.map(({ ref, fileKey }, i) => {
    checkLength(fileKey, FILE_KEY_BYTES, 'file key');
    const slot = i % NONCES_PER_DRAW;
    if (slot === 0) nonces = randomBytes(NONCE_BYTES * Math.min(NONCES_PER_DRAW, items.length - i));
    const nonce = nonces.subarray(NONCE_BYTES * slot, NONCE_BYTES * (slot + 1));
    const sealed = xchacha20poly1305Seal(grantKey, nonce, fileKey, grantWrapAad(prefix, ref));
    const out = new Uint8Array(GRANT_WRAP_BYTES);
    out[0] = ENVELOPE_VERSION;
    out.set(nonce, 1);
    out.set(sealed, 1 + NONCE_BYTES);
    return out;
  });
}

/** The file key in a grant wrap; DECRYPTION_FAILED when it was altered or moved to another context. */
export function openGrantWrap(grantKey: Uint8Array, grantId: string, ref: DocumentVersionRef, bytes: Uint8Array): Uint8Array {
  checkLength(grantKey, GRANT_KEY_BYTES, 'grant key');
  if (bytes.length !== GRANT_WRAP_BYTES) throw new CryptoError('FORMAT_INVALID');
  if (bytes[0] !== ENVELOPE_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  return xchacha20poly1305Open(grantKey, nonce, bytes.subarray(1 + NONCE_BYTES), grantWrapAad(grantWrapAadPrefix(grantId), ref));
}

function sealSigned(label: string, context: Uint8Array, key: Uint8Array, recipientPublicKey: Uint8Array, signerSeed: Uint8Array): Uint8Array {
  const keyId = recipientKeyId(recipientPublicKey);
  const stanza = kemWrap(key, recipientPublicKey);
  const signature = ed25519Sign(signerSeed, signedMessage(label, context, keyId, stanza));
  return new ByteWriter()
    .u16(ENVELOPE_VERSION)
    .fixed(keyId, HASH_BYTES)
    .bytes(stanza)
    .fixed(ed25519Keygen(signerSeed).publicKey, KEY_BYTES)
    .fixed(signature, SIGNATURE_BYTES)
    .finish();
}

function openSigned(
  label: string, context: Uint8Array, bytes: Uint8Array, opener: EnvelopeOpener, allowedSigners: readonly Uint8Array[], keyLength: number,
): Uint8Array | null {
  const reader = new ByteReader(bytes);
  if (reader.u16() !== ENVELOPE_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
  const keyId = reader.fixed(HASH_BYTES);
  const stanza = reader.bytes(MAX_STANZA_BYTES);
  const signer = reader.fixed(KEY_BYTES);
  const signature = reader.fixed(SIGNATURE_BYTES);
  reader.end();
  if (!isAllowedSigner(signer, allowedSigners)) throw new CryptoError('SIGNER_NOT_ALLOWED');
  if (!ed25519Verify(signer, signedMessage(label, context, keyId, stanza), signature)) {
    throw new CryptoError('SIGNATURE_INVALID');
  }
  if (!constantTimeEqual(keyId, opener.keyId)) return null;
  const key = kemUnwrapOrThrow(stanza, opener.kemSeed, keyLength);
  if (key === null) throw new CryptoError('DECRYPTION_FAILED');
  return key;
}

function kemUnwrapOrThrow(stanza: Uint8Array, kemSeed: Uint8Array, keyLength: number): Uint8Array | null {
  try {
    return kemUnwrap(stanza, kemSeed, keyLength);
  } catch (error) {
    throw new CryptoError('DECRYPTION_FAILED', { cause: error });
  }
}

/** True when `signer` is one of `allowed` (public keys: no secret, plain comparison). */
export function isAllowedSigner(signer: Uint8Array, allowed: readonly Uint8Array[]): boolean {
  return allowed.some((key) => key.length === signer.length && key.every((byte, i) => byte === signer[i]));
}

function signedMessage(label: string, context: Uint8Array, keyId: Uint8Array, stanza: Uint8Array): Uint8Array {
  const body = new ByteWriter().u16(ENVELOPE_VERSION).fixed(context, context.length).fixed(keyId, HASH_BYTES).bytes(stanza).finish();
  return labelled(label, body);
}

/** text vaultId | text documentId | u32 version. */
function documentContext(ref: DocumentVersionRef): Uint8Array {
  return encodeDocumentContext(ref);
}

function vaultContext(vaultId: string): Uint8Array {
  checkAccountId(vaultId);
  return new ByteWriter().text(vaultId).finish();
}

function grantContext(ref: GrantRef): Uint8Array {
  checkAccountId(ref.vaultId);
  checkAccountId(ref.grantId);
  return new ByteWriter().text(ref.vaultId).text(ref.grantId).finish();
}

function grantWrapAadPrefix(grantId: string): Uint8Array {
  checkAccountId(grantId);
  return new ByteWriter().text(GRANT_WRAP_LABEL).text(grantId).finish();
}

/** prefix | text vaultId | text documentId | u32 version. */
function grantWrapAad(prefix: Uint8Array, ref: DocumentVersionRef): Uint8Array {
  const context = documentContext(ref);
  const aad = new Uint8Array(prefix.length + context.length);
  aad.set(prefix);
  aad.set(context, prefix.length);
  return aad;
}
