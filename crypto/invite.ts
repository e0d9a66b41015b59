// Invitations to co-manage a record of a relative (SHARING2.md C). The creator's client derives a secret per
// invitation from the vault seeds and shows it inside a code; the invitee proves it knows the secret with an
// HMAC over its own public bundle. The server relays the proof but never sees the secret, so it can neither
// accept an invitation itself nor swap the invitee's bundle for its own (ATK-03): the creator checks the proof
// against the bundle the server hands back. The code also carries a prefix of the vault's keys hash, so the
// invitee checks the vault bundle the server returns.
//
//   secret = HKDF-SHA256(ikm = signingSeed | kemSeed (vault), salt = empty, info = text("coffre-sante/v1/invite-secret") | id inviteId, 16)
//   body   = vaultId 16 | inviteId 16 | secret 16 | keysHash(vault)[0..16]
//   code   = "coffre-sante:inv1:" | base64url-no-padding(body | SHA-256(labelled("coffre-sante/v1/invite-code-check", body))[0..4])
//   proof  = HMAC-SHA256(secret, labelled("coffre-sante/v1/invite-proof", id vaultId | id inviteId | bytes(inviteeBundle)))
// Ids are the 22-character base64url of 16 random bytes; the code holds their raw bytes.
// The check bytes refuse a mistyped code before the invitee sends a proof that would use up the invitation.

import { base64urlnopad } from '@scure/base';
import { ByteWriter } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { keysHash } from './fingerprint.ts';
import { checkAccountId, labelled, type IdentityPublicKeys, type IdentitySecrets } from './identity.ts';
import { seedDerivedKey } from './owner-sealed.ts';
import { checkLength, constantTimeEqual, hmacSha256, sha256 } from './primitives.ts';

export const INVITE_SECRET_LABEL = 'coffre-sante/v1/invite-secret';
export const INVITE_PROOF_LABEL = 'coffre-sante/v1/invite-proof';
export const INVITE_CODE_CHECK_LABEL = 'coffre-sante/v1/invite-code-check';
export const INVITE_CODE_PREFIX = 'coffre-sante:inv1:';
const CODE_PREFIX_PATTERN = /^coffre-sante:inv(\d+):/;
/** Bytes of a raw id, of the secret and of the keys hash prefix. */
export const INVITE_PART_BYTES = 16;
const BODY_BYTES = 4 * INVITE_PART_BYTES;
/** Typing errors only, not an attacker: 32 bits let about one mistyped code in 4 billion through. */
const CHECK_BYTES = 4;
const CODE_BYTES = BODY_BYTES + CHECK_BYTES;

export interface InviteCodeFields {
  vaultId: string;
  inviteId: string;
  secret: Uint8Array;
  /** The full keysHash(vault bundle); the code keeps its first 16 bytes. */
  vaultKeysHash: Uint8Array;
}

export interface ParsedInviteCode {
  vaultId: string;
  inviteId: string;
  secret: Uint8Array;
  keysHashPrefix: Uint8Array;
}

export interface InviteProofContext {
  vaultId: string;
  inviteId: string;
  /** The invitee's signed public bundle, as bytes. */
  inviteeBundle: Uint8Array;
}

/** The 16-byte secret of one invitation, derived from the vault seeds (the creator can show it again). */
export function inviteSecret(vault: IdentitySecrets, inviteId: string): Uint8Array {
  checkAccountId(inviteId);
  return seedDerivedKey(vault, new ByteWriter().text(INVITE_SECRET_LABEL).text(inviteId).finish(), INVITE_PART_BYTES);
}

/** The text to show or put in a QR code. RangeError when an id is not the base64url of 16 bytes. */
export function formatInviteCode(fields: InviteCodeFields): string {
  checkLength(fields.secret, INVITE_PART_BYTES, 'invite secret');
  if (fields.vaultKeysHash.length < INVITE_PART_BYTES) throw new RangeError('vault keys hash must be at least 16 bytes');
  const body = new ByteWriter()
    .fixed(rawId(fields.vaultId, 'vaultId'), INVITE_PART_BYTES)
    .fixed(rawId(fields.inviteId, 'inviteId'), INVITE_PART_BYTES)
    .fixed(fields.secret, INVITE_PART_BYTES)
    .fixed(fields.vaultKeysHash.subarray(0, INVITE_PART_BYTES), INVITE_PART_BYTES)
    .finish();
  return INVITE_CODE_PREFIX + base64urlnopad.encode(new ByteWriter().fixed(body, BODY_BYTES).fixed(codeCheck(body), CHECK_BYTES).finish());
}

/**
 * Reads a typed or pasted code (surrounding whitespace ignored). VERSION_UNSUPPORTED for "invN" with N ≠ 1,
 * FORMAT_INVALID for anything else that is not exactly one canonical code, a wrong check included.
 */
export function parseInviteCode(code: string): ParsedInviteCode {
  const text = code.trim();
  const match = CODE_PREFIX_PATTERN.exec(text);
  if (match === null) throw new CryptoError('FORMAT_INVALID');
  if (match[0] !== INVITE_CODE_PREFIX) throw new CryptoError('VERSION_UNSUPPORTED');
  const encoded = text.slice(INVITE_CODE_PREFIX.length);
  let raw: Uint8Array;
  try {
    raw = base64urlnopad.decode(encoded);
  } catch (error) {
    throw new CryptoError('FORMAT_INVALID', { cause: error });
  }
  if (raw.length !== CODE_BYTES || base64urlnopad.encode(raw) !== encoded) throw new CryptoError('FORMAT_INVALID');
  if (!constantTimeEqual(codeCheck(raw.subarray(0, BODY_BYTES)), raw.subarray(BODY_BYTES))) throw new CryptoError('FORMAT_INVALID');
  const part = (index: number): Uint8Array => raw.slice(index * INVITE_PART_BYTES, (index + 1) * INVITE_PART_BYTES);
  return { vaultId: base64urlnopad.encode(part(0)), inviteId: base64urlnopad.encode(part(1)), secret: part(2), keysHashPrefix: part(3) };
}

/** The invitee's proof that it holds the code, bound to the vault, the invitation and its own bundle. */
export function inviteProof(secret: Uint8Array, context: InviteProofContext): Uint8Array {
  checkLength(secret, INVITE_PART_BYTES, 'invite secret');
  checkAccountId(context.vaultId);
  checkAccountId(context.inviteId);
  const body = new ByteWriter().text(context.vaultId).text(context.inviteId).bytes(context.inviteeBundle).finish();
  return hmacSha256(secret, labelled(INVITE_PROOF_LABEL, body));
}

/** Throws SIGNATURE_INVALID unless `proof` is the proof for this secret, invitation and bundle (constant time). */
export function checkInviteProof(secret: Uint8Array, context: InviteProofContext, proof: Uint8Array): void {
  if (!constantTimeEqual(inviteProof(secret, context), proof)) throw new CryptoError('SIGNATURE_INVALID');
}

/** True when the first 16 bytes of the bundle's keys hash are `prefix` (from the code). */
export function matchesKeysHashPrefix(prefix: Uint8Array, bundle: IdentityPublicKeys): boolean {
  checkLength(prefix, INVITE_PART_BYTES, 'keys hash prefix');
  return constantTimeEqual(keysHash(bundle).subarray(0, INVITE_PART_BYTES), prefix);
}

/** The 4 check bytes that end a code, over its 64-byte body. */
function codeCheck(body: Uint8Array): Uint8Array {
  return sha256(labelled(INVITE_CODE_CHECK_LABEL, body)).subarray(0, CHECK_BYTES);
}

/** The 16 raw bytes of an id written as unpadded base64url. */
function rawId(id: string, name: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = base64urlnopad.decode(id);
  } catch {
    throw new RangeError(`${name} must be the base64url of 16 bytes`);
  }
  if (raw.length !== INVITE_PART_BYTES) throw new RangeError(`${name} must be the base64url of 16 bytes`);
  return raw;
}
