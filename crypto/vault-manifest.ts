// The vault manifest (ATK-06, ATK-16, ATK-17, ATK-18, ATK-19, ATK-20): signed by the vault owner,
// numbered, hash-chained, listing every record at its current version and everyone the vault is shared
// with. The client keeps the last (sequence, hash) it accepted and refuses anything older or forked.
//
// Signed layout (integers big-endian; lists strictly ascending by the UTF-8 bytes of their id):
//   u16 version (= 1) | text vaultId | u64 sequence (>= 1) | fixed32 previousHash (zeros when sequence = 1)
//   | member owner | u64 createdAt (ms)
//   | u32 n | n x (text documentId | u32 currentVersion | fixed32 manifestHash)
//   | u32 n | n x (member | u8 role (1 reader, 2 contributor) | u8 hasEnd (0|1) | u64 endsAt (0 unless hasEnd))
//   | u32 n | n x member                                   (the managers)
//   | fixed64 signature
//   member    = text accountId | fixed32 signingPublicKey | fixed32 keysHash (fingerprint.ts)
//   signature = Ed25519(owner, text("coffre-sante/v1/vault-manifest") | bytes(everything before it))
//   hash      = SHA-256(text("coffre-sante/v1/vault-manifest-hash") | bytes(signed manifest))
// The owner is the vault's own identity (role 'vault'), whose seeds every manager holds.

import { base64urlnopad } from '@scure/base';
import { ByteReader, ByteWriter } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { keysHash } from './fingerprint.ts';
import { checkAccountId, labelled, readAccountId, type PublicKeyBundle } from './identity.ts';
import { compareBytes } from './manifest.ts';
import { constantTimeEqual, ed25519Sign, ed25519Verify, HASH_BYTES, KEY_BYTES, sha256, SIGNATURE_BYTES } from './primitives.ts';

export const VAULT_MANIFEST_VERSION = 1;
export const VAULT_MANIFEST_LABEL = 'coffre-sante/v1/vault-manifest';
export const VAULT_MANIFEST_HASH_LABEL = 'coffre-sante/v1/vault-manifest-hash';

export type ShareRole = 'reader' | 'contributor';
const SHARE_ROLES: readonly ShareRole[] = ['reader', 'contributor'];

export interface VaultMember {
  accountId: string;
  signingPublicKey: Uint8Array;
  keysHash: Uint8Array;
}

export interface VaultShare extends VaultMember {
  role: ShareRole;
  /** Milliseconds since the epoch after which the share is over, or null. Server-enforced for reads. */
  endsAt: number | null;
}

export interface VaultRecord {
  documentId: string;
  currentVersion: number;
  manifestHash: Uint8Array;
}

export interface VaultManifest {
  version: typeof VAULT_MANIFEST_VERSION;
  vaultId: string;
  sequence: number;
  previousHash: Uint8Array;
  owner: VaultMember;
  createdAt: number;
  records: VaultRecord[];
  shares: VaultShare[];
  managers: VaultMember[];
}

export interface VaultHead {
  sequence: number;
  hash: Uint8Array;
}

export const GENESIS_PREVIOUS_HASH = new Uint8Array(HASH_BYTES);

/** The member entry for a verified public bundle. */
export function memberOf(bundle: PublicKeyBundle): VaultMember {
  return { accountId: bundle.accountId, signingPublicKey: bundle.signingPublicKey, keysHash: keysHash(bundle) };
}

/** Signs `manifest` with the owner's seed; lists are sorted here, duplicates are a RangeError. */
export function signVaultManifest(manifest: Omit<VaultManifest, 'version'>, ownerSigningSeed: Uint8Array): Uint8Array {
  const body = encodeBody({ ...manifest, version: VAULT_MANIFEST_VERSION });
  const signature = ed25519Sign(ownerSigningSeed, labelled(VAULT_MANIFEST_LABEL, body));
  return new ByteWriter().fixed(body, body.length).fixed(signature, SIGNATURE_BYTES).finish();
}

export function vaultManifestHash(bytes: Uint8Array): Uint8Array {
  return sha256(labelled(VAULT_MANIFEST_HASH_LABEL, bytes));
}

/**
 * Verifies a vault manifest against the owner key the client trusts and the last head it accepted.
 * Throws FORMAT_INVALID / VERSION_UNSUPPORTED, SIGNER_NOT_ALLOWED (another owner key), SIGNATURE_INVALID,
 * ROLLBACK (older than lastSeen), CHAIN_BROKEN (same sequence with another hash, or the next sequence not
 * chaining to lastSeen). A jump of more than one sequence is accepted here: verifyVaultManifestChain
 * checks the manifests in between when the server supplies them.
 */
export function verifyVaultManifest(bytes: Uint8Array, ownerSigningKey: Uint8Array, lastSeen?: VaultHead): { manifest: VaultManifest; head: VaultHead } {
  if (bytes.length < 2 + SIGNATURE_BYTES) throw new CryptoError('FORMAT_INVALID');
  const body = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  const manifest = decodeBody(body);
  if (!constantTimeEqual(manifest.owner.signingPublicKey, ownerSigningKey)) throw new CryptoError('SIGNER_NOT_ALLOWED');
  if (!ed25519Verify(ownerSigningKey, labelled(VAULT_MANIFEST_LABEL, body), bytes.subarray(body.length))) {
    throw new CryptoError('SIGNATURE_INVALID');
  }
  const head = { sequence: manifest.sequence, hash: vaultManifestHash(bytes) };
  if (lastSeen !== undefined) checkSuccession(manifest, head, lastSeen);
  return { manifest, head };
}

/** Verifies consecutive manifests from lastSeen on; any gap in sequence numbers is CHAIN_BROKEN. */
export function verifyVaultManifestChain(chain: readonly Uint8Array[], ownerSigningKey: Uint8Array, lastSeen?: VaultHead): { manifest: VaultManifest; head: VaultHead } {
  let head = lastSeen;
  let last: { manifest: VaultManifest; head: VaultHead } | undefined;
  for (const bytes of chain) {
    last = verifyVaultManifest(bytes, ownerSigningKey, head);
    if (head !== undefined && last.head.sequence > head.sequence + 1) throw new CryptoError('CHAIN_BROKEN');
    head = last.head;
  }
  if (last === undefined) throw new RangeError('empty chain');
  return last;
}

function checkSuccession(manifest: VaultManifest, head: VaultHead, lastSeen: VaultHead): void {
  if (head.sequence < lastSeen.sequence) throw new CryptoError('ROLLBACK');
  if (head.sequence === lastSeen.sequence && !constantTimeEqual(head.hash, lastSeen.hash)) throw new CryptoError('CHAIN_BROKEN');
  if (head.sequence === lastSeen.sequence + 1 && !constantTimeEqual(manifest.previousHash, lastSeen.hash)) {
    throw new CryptoError('CHAIN_BROKEN');
  }
}

export const VAULT_HEAD_PREFIX = 'coffre-sante:vh1:';

/**
 * A vault head as text for a QR code or a read-out (ATK-19): "coffre-sante:vh1:" + decimal sequence + ":" +
 * base64url (no padding) of the 32-byte hash. Two people comparing heads detect a split view.
 */
export function formatVaultHead(head: VaultHead): string {
  return `${VAULT_HEAD_PREFIX}${head.sequence}:${base64urlnopad.encode(head.hash)}`;
}

/** Parses formatVaultHead's output; FORMAT_INVALID (or VERSION_UNSUPPORTED for vh2…) otherwise. */
export function parseVaultHead(code: string): VaultHead {
  const match = /^coffre-sante:vh(\d+):(0|[1-9]\d{0,15}):([A-Za-z0-9_-]{43})$/.exec(code.trim());
  if (match === null) throw new CryptoError('FORMAT_INVALID');
  if (match[1] !== '1') throw new CryptoError('VERSION_UNSUPPORTED');
  const sequence = Number(match[2]);
  let hash: Uint8Array;
  try {
    hash = base64urlnopad.decode(match[3]!);
  } catch (error) {
    throw new CryptoError('FORMAT_INVALID', { cause: error });
  }
  if (!Number.isSafeInteger(sequence) || hash.length !== HASH_BYTES) throw new CryptoError('FORMAT_INVALID');
  return { sequence, hash };
}

/** -1, 0 or 1 as `a` is older than, the same as or newer than `b`; CHAIN_BROKEN for two heads at one sequence. */
export function compareVaultHeads(a: VaultHead, b: VaultHead): -1 | 0 | 1 {
  if (a.sequence !== b.sequence) return a.sequence < b.sequence ? -1 : 1;
  if (!constantTimeEqual(a.hash, b.hash)) throw new CryptoError('CHAIN_BROKEN');
  return 0;
}

export interface ListedRecord {
  documentId: string;
  version: number;
  /** The hash of the document manifest the server served, when known. */
  manifestHash?: Uint8Array;
}

/**
 * Compares what the server lists with the signed manifest. RECORD_UNEXPECTED for a record the manifest
 * does not hold (injected, resurrected, duplicated or newer than signed: quarantine it), RECORD_MISSING for
 * a signed record left out (hidden), ROLLBACK for an older version, MANIFEST_MISMATCH for another manifest.
 */
export function reconcileListing(manifest: VaultManifest, listed: readonly ListedRecord[]): void {
  const signed = new Map(manifest.records.map((record) => [record.documentId, record]));
  const seen = new Set<string>();
  for (const item of listed) {
    const record = signed.get(item.documentId);
    if (record === undefined || seen.has(item.documentId) || item.version > record.currentVersion) {
      throw new CryptoError('RECORD_UNEXPECTED');
    }
    if (item.version < record.currentVersion) throw new CryptoError('ROLLBACK');
    if (item.manifestHash !== undefined && !constantTimeEqual(item.manifestHash, record.manifestHash)) {
      throw new CryptoError('MANIFEST_MISMATCH');
    }
    seen.add(item.documentId);
  }
  if (seen.size !== signed.size) throw new CryptoError('RECORD_MISSING');
}

/**
 * Throws unless every recipient may be wrapped for: the owner (vault identity), a manager, or a share
 * whose end is after `now`. RECIPIENT_NOT_ALLOWED for anyone else (a server-added account, ATK-20),
 * KEY_CHANGED when the account is listed with other keys.
 */
export function assertRecipientsAllowed(manifest: VaultManifest, recipients: readonly PublicKeyBundle[], now: number): void {
  const active = [manifest.owner, ...manifest.managers, ...manifest.shares.filter((share) => share.endsAt === null || share.endsAt > now)];
  for (const recipient of recipients) {
    const member = active.find((entry) => entry.accountId === recipient.accountId);
    if (member === undefined) throw new CryptoError('RECIPIENT_NOT_ALLOWED');
    if (!constantTimeEqual(member.keysHash, keysHash(recipient))) throw new CryptoError('KEY_CHANGED');
  }
}

/** Signing keys allowed to author documents in this vault: owner, managers, active contributors. */
export function allowedWriters(manifest: VaultManifest, now: number): Uint8Array[] {
  const contributors = manifest.shares.filter((share) => share.role === 'contributor' && (share.endsAt === null || share.endsAt > now));
  return [manifest.owner, ...manifest.managers, ...contributors].map((member) => member.signingPublicKey);
}

function encodeBody(manifest: VaultManifest): Uint8Array {
  checkAccountId(manifest.vaultId);
  if (manifest.sequence < 1) throw new RangeError('sequence starts at 1');
  const writer = new ByteWriter()
    .u16(manifest.version)
    .text(manifest.vaultId)
    .u64(manifest.sequence)
    .fixed(manifest.previousHash, HASH_BYTES);
  writeMember(writer, manifest.owner);
  writer.u64(manifest.createdAt);
  const records = sortedById(manifest.records, (record) => record.documentId);
  writer.u32(records.length);
  for (const record of records) {
    writer.text(record.documentId).u32(record.currentVersion).fixed(record.manifestHash, HASH_BYTES);
  }
  const shares = sortedById(manifest.shares, (share) => share.accountId);
  writer.u32(shares.length);
  for (const share of shares) {
    writeMember(writer, share);
    writer.u8(SHARE_ROLES.indexOf(share.role) + 1).u8(share.endsAt === null ? 0 : 1).u64(share.endsAt ?? 0);
  }
  const managers = sortedById(manifest.managers, (manager) => manager.accountId);
  writer.u32(managers.length);
  for (const manager of managers) writeMember(writer, manager);
  return writer.finish();
}

function decodeBody(body: Uint8Array): VaultManifest {
  const reader = new ByteReader(body);
  if (reader.u16() !== VAULT_MANIFEST_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
  const vaultId = readAccountId(reader);
  const sequence = reader.u64();
  const previousHash = reader.fixed(HASH_BYTES);
  if (sequence < 1) throw new CryptoError('FORMAT_INVALID');
  const owner = readMember(reader);
  const createdAt = reader.u64();
  const records = readList(reader, (r) => ({ documentId: readAccountId(r), currentVersion: r.u32(), manifestHash: r.fixed(HASH_BYTES) }), (record) => record.documentId);
  const shares = readList(reader, readShare, (share) => share.accountId);
  const managers = readList(reader, readMember, (manager) => manager.accountId);
  reader.end();
  return { version: VAULT_MANIFEST_VERSION, vaultId, sequence, previousHash, owner, createdAt, records, shares, managers };
}

/** Writes `member` (also the recipient of a grant list, grant-list.ts). */
export function writeMember(writer: ByteWriter, member: VaultMember): void {
  checkAccountId(member.accountId);
  writer.text(member.accountId).fixed(member.signingPublicKey, KEY_BYTES).fixed(member.keysHash, HASH_BYTES);
}

export function readMember(reader: ByteReader): VaultMember {
  return { accountId: readAccountId(reader), signingPublicKey: reader.fixed(KEY_BYTES), keysHash: reader.fixed(HASH_BYTES) };
}

function readShare(reader: ByteReader): VaultShare {
  const member = readMember(reader);
  const role = SHARE_ROLES[reader.u8() - 1];
  const hasEnd = reader.u8();
  const endsAt = reader.u64();
  if (role === undefined || hasEnd > 1 || (hasEnd === 0 && endsAt !== 0)) throw new CryptoError('FORMAT_INVALID');
  return { ...member, role, endsAt: hasEnd === 1 ? endsAt : null };
}

/** Reads a u32-counted list whose ids must be strictly ascending (one encoding, no duplicates). */
function readList<T>(reader: ByteReader, readItem: (reader: ByteReader) => T, id: (item: T) => string): T[] {
  const count = reader.u32();
  if (count > reader.remaining) throw new CryptoError('FORMAT_INVALID');
  const items: T[] = [];
  let previous: Uint8Array | null = null;
  for (let i = 0; i < count; i++) {
    const item = readItem(reader);
    const key = new TextEncoder().encode(id(item));
    if (previous !== null && compareBytes(previous, key) >= 0) throw new CryptoError('FORMAT_INVALID');
    previous = key;
    items.push(item);
  }
  return items;
}

function sortedById<T>(items: readonly T[], id: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, key: new TextEncoder().encode(id(item)) }));
  keyed.sort((a, b) => compareBytes(a.key, b.key));
  for (let i = 1; i < keyed.length; i++) {
    if (compareBytes(keyed[i - 1]!.key, keyed[i]!.key) === 0) throw new RangeError('duplicate id in a vault manifest list');
  }
  return keyed.map((entry) => entry.item);
}
