// The grant list (ATK-05, ATK-17, ATK-20, ATK-21): signed by the vault owner, numbered, naming exactly the
// document versions one grant covers. The recipient keeps the last (sequence, hash) it accepted per grant and
// refuses an older or forked list, so the server can neither replay a narrower share nor hide a version.
//
// Signed layout (integers big-endian; entries strictly ascending by documentId UTF-8 bytes, then version):
//   u16 version (= 1) | text vaultId | text grantId | member recipient | u64 sequence (>= 1) | u64 createdAt (ms)
//   | u32 n | n x (text documentId | u32 version)
//   | fixed64 signature
//   member    = text accountId | fixed32 signingPublicKey | fixed32 keysHash      (as in vault-manifest.ts)
//   signature = Ed25519(owner, text("coffre-sante/v1/grant-list") | bytes(everything before it))
//   hash      = SHA-256(text("coffre-sante/v1/grant-list-hash") | bytes(signed list))
// No previous hash: the list is rewritten whole at each change and the client keeps only its last head.

import { ByteReader, ByteWriter } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { checkAccountId, labelled, readAccountId } from './identity.ts';
import { compareBytes } from './manifest.ts';
import { constantTimeEqual, ed25519Sign, ed25519Verify, sha256, SIGNATURE_BYTES } from './primitives.ts';
import { readMember, writeMember, type VaultMember } from './vault-manifest.ts';

export const GRANT_LIST_VERSION = 1;
export const GRANT_LIST_LABEL = 'coffre-sante/v1/grant-list';
export const GRANT_LIST_HASH_LABEL = 'coffre-sante/v1/grant-list-hash';

/** One shared document version. */
export interface GrantListEntry {
  documentId: string;
  version: number;
}

export interface GrantList {
  version: typeof GRANT_LIST_VERSION;
  vaultId: string;
  grantId: string;
  recipient: VaultMember;
  sequence: number;
  createdAt: number;
  entries: GrantListEntry[];
}

export interface GrantListHead {
  sequence: number;
  hash: Uint8Array;
}

/** What the verifier already trusts: the owner key, the grant, and optionally who it is for and its last head. */
export interface GrantListExpectation {
  ownerSigningKey: Uint8Array;
  vaultId: string;
  grantId: string;
  recipient?: { accountId: string; keysHash: Uint8Array };
  lastSeen?: GrantListHead;
}

/** Signs `fields` with the owner's seed; entries are sorted here, a duplicate is a RangeError. */
export function signGrantList(fields: Omit<GrantList, 'version'>, ownerSigningSeed: Uint8Array): Uint8Array {
  const body = encodeBody({ ...fields, version: GRANT_LIST_VERSION });
  const signature = ed25519Sign(ownerSigningSeed, labelled(GRANT_LIST_LABEL, body));
  return new ByteWriter().fixed(body, body.length).fixed(signature, SIGNATURE_BYTES).finish();
}

export function grantListHash(bytes: Uint8Array): Uint8Array {
  return sha256(labelled(GRANT_LIST_HASH_LABEL, bytes));
}

/**
 * Parses and verifies a grant list. Throws FORMAT_INVALID / VERSION_UNSUPPORTED, SIGNATURE_INVALID (not
 * the owner's), MANIFEST_MISMATCH (another vault or grant), RECIPIENT_NOT_ALLOWED (another recipient),
 * KEY_CHANGED (the recipient with other keys), ROLLBACK (older than lastSeen), CHAIN_BROKEN (same sequence,
 * other hash). A newer sequence is accepted whatever the jump: each list is complete on its own.
 */
export function verifyGrantList(bytes: Uint8Array, expected: GrantListExpectation): { list: GrantList; head: GrantListHead } {
  if (bytes.length < 2 + SIGNATURE_BYTES) throw new CryptoError('FORMAT_INVALID');
  const body = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  const list = decodeBody(body);
  if (!ed25519Verify(expected.ownerSigningKey, labelled(GRANT_LIST_LABEL, body), bytes.subarray(body.length))) {
    throw new CryptoError('SIGNATURE_INVALID');
  }
  if (list.vaultId !== expected.vaultId || list.grantId !== expected.grantId) throw new CryptoError('MANIFEST_MISMATCH');
  if (expected.recipient !== undefined) {
    if (list.recipient.accountId !== expected.recipient.accountId) throw new CryptoError('RECIPIENT_NOT_ALLOWED');
    if (!constantTimeEqual(list.recipient.keysHash, expected.recipient.keysHash)) throw new CryptoError('KEY_CHANGED');
  }
  const head = { sequence: list.sequence, hash: grantListHash(bytes) };
  if (expected.lastSeen !== undefined) {
    if (head.sequence < expected.lastSeen.sequence) throw new CryptoError('ROLLBACK');
    if (head.sequence === expected.lastSeen.sequence && !constantTimeEqual(head.hash, expected.lastSeen.hash)) {
      throw new CryptoError('CHAIN_BROKEN');
    }
  }
  return { list, head };
}

/**
 * Compares the versions the server served for a grant with the signed list (pass a list whose entries
 * are filtered to the documents still in the vault). RECORD_UNEXPECTED for a served version the list does
 * not name or one served twice (injected, re-added), RECORD_MISSING for a listed one not served (withheld).
 */
export function reconcileGrantList(list: Pick<GrantList, 'entries'>, served: readonly GrantListEntry[]): void {
  const listed = new Set(list.entries.map(entryKey));
  const seen = new Set<string>();
  for (const item of served) {
    const key = entryKey(item);
    if (!listed.has(key) || seen.has(key)) throw new CryptoError('RECORD_UNEXPECTED');
    seen.add(key);
  }
  if (seen.size !== listed.size) throw new CryptoError('RECORD_MISSING');
}

/** An unambiguous map key (JSON quotes the id, so no separator can collide). */
function entryKey(entry: GrantListEntry): string {
  return JSON.stringify([entry.documentId, entry.version]);
}

function encodeBody(list: GrantList): Uint8Array {
  checkAccountId(list.vaultId);
  checkAccountId(list.grantId);
  if (list.sequence < 1) throw new RangeError('sequence starts at 1');
  const writer = new ByteWriter().u16(list.version).text(list.vaultId).text(list.grantId);
  writeMember(writer, list.recipient);
  writer.u64(list.sequence).u64(list.createdAt);
  const entries = sortedEntries(list.entries);
  writer.u32(entries.length);
  for (const entry of entries) writer.text(entry.documentId).u32(entry.version);
  return writer.finish();
}

function decodeBody(body: Uint8Array): GrantList {
  const reader = new ByteReader(body);
  if (reader.u16() !== GRANT_LIST_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
  const vaultId = readAccountId(reader);
  const grantId = readAccountId(reader);
  const recipient = readMember(reader);
  const sequence = reader.u64();
  const createdAt = reader.u64();
  if (sequence < 1) throw new CryptoError('FORMAT_INVALID');
  const count = reader.u32();
  if (count > reader.remaining) throw new CryptoError('FORMAT_INVALID');
  const entries: GrantListEntry[] = [];
  let previous: { id: Uint8Array; version: number } | null = null;
  for (let i = 0; i < count; i++) {
    const entry = { documentId: readAccountId(reader), version: reader.u32() };
    const current = { id: new TextEncoder().encode(entry.documentId), version: entry.version };
    if (previous !== null && compareEntries(previous, current) >= 0) throw new CryptoError('FORMAT_INVALID');
    previous = current;
    entries.push(entry);
  }
  reader.end();
  return { version: GRANT_LIST_VERSION, vaultId, grantId, recipient, sequence, createdAt, entries };
}

function compareEntries(a: { id: Uint8Array; version: number }, b: { id: Uint8Array; version: number }): number {
  return compareBytes(a.id, b.id) || a.version - b.version;
}

function sortedEntries(entries: readonly GrantListEntry[]): GrantListEntry[] {
  const keyed = entries.map((entry) => {
    checkAccountId(entry.documentId);
    return { entry, key: { id: new TextEncoder().encode(entry.documentId), version: entry.version } };
  });
  keyed.sort((a, b) => compareEntries(a.key, b.key));
  for (let i = 1; i < keyed.length; i++) {
    if (compareEntries(keyed[i - 1]!.key, keyed[i]!.key) === 0) throw new RangeError('duplicate entry in a grant list');
  }
  return keyed.map(({ entry }) => entry);
}
