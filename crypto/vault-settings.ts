// Vault settings (SHARING2.md B): the owner's choices the server must not read — documents hidden from every
// practitioner, blocked accounts, hidden documents — sealed under a key only the vault's own seeds give
// (its managers hold them), bound to the vault, and numbered so that a replayed older blob is refused (ATK-17).
//
//   settingsKey = HKDF-SHA256(ikm = signingSeed | kemSeed, salt = empty, info = text("coffre-sante/v1/vault-settings-key"), 32)
//   body v1     = u64 sequence (>= 1) | u32 n | n x id hiddenFromPractitioners
//                 | u32 n | n x id blockedAccount | u32 n | n x id hiddenDocument   (each list strictly ascending)
//   body v2     = body v1 | u32 n | n x (id recordVaultId | fixed32 keysHash)       (ascending by vaultId)
//   sealed      = owner-sealed.ts box, version 1: aad = labelled("coffre-sante/v1/vault-settings", id vaultId)
//                                      version 2: aad = labelled("coffre-sante/v1/vault-settings", id vaultId | u8 2)
// v2 adds the records of relatives this person created or joined, with their keys hash: a record the server
// lists that is not among them is one the server made up (SPEC part 6), refused on every device.
// The server stores the sequence beside the blob; the sealed copy lets the client check the two agree.

import { ByteReader, ByteWriter } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { checkAccountId, labelled, readAccountId, type IdentitySecrets } from './identity.ts';
import { compareBytes } from './manifest.ts';
import { openPadded, sealPadded, seedDerivedKey } from './owner-sealed.ts';

/** The version sealed; version 1 (no record list) still opens. */
export const VAULT_SETTINGS_VERSION = 2;
const OPENABLE_VERSIONS: readonly number[] = [1, 2];
const KEYS_HASH_BYTES = 32;
export const VAULT_SETTINGS_LABEL = 'coffre-sante/v1/vault-settings';
export const VAULT_SETTINGS_KEY_LABEL = 'coffre-sante/v1/vault-settings-key';

export interface VaultSettings {
  /** Starts at 1 and grows by one at each change (the server's sequence for this blob). */
  sequence: number;
  /** Document ids never wrapped for a practitioner's grant. */
  hiddenFromPractitioners: string[];
  /** Account ids the owner's client refuses to share with and whose contributions it deletes. */
  blockedAccounts: string[];
  /** Document ids kept but not shown in the main list. */
  hiddenDocuments: string[];
  /** The relatives' records this person created or joined, with the keys hash seen then (empty in version 1). */
  records: RecordPin[];
}

/** A record of a relative, as its creator or invitee verified it. */
export interface RecordPin {
  vaultId: string;
  /** crypto/fingerprint.ts keysHash of the record's bundle. */
  keysHash: Uint8Array;
}

/** What the client checks the opened settings against. */
export interface VaultSettingsExpectation {
  /** The sequence the server stored beside the blob. */
  sequence: number;
  /** The highest sequence this client accepted before, if any. */
  lastSeen?: number;
}

/** Seals `settings` for the vault's holders, bound to `vaultId`. Lists are sorted here; a duplicate is a RangeError. */
export function sealVaultSettings(owner: IdentitySecrets, vaultId: string, settings: VaultSettings): Uint8Array {
  return sealPadded(settingsKey(owner), settingsAad(vaultId, VAULT_SETTINGS_VERSION), encodeSettings(settings), VAULT_SETTINGS_VERSION);
}

/**
 * Opens settings sealed by sealVaultSettings. VERSION_UNSUPPORTED, FORMAT_INVALID (structure, unsorted or
 * duplicate ids, padding), DECRYPTION_FAILED (another vault or key, any altered byte), MANIFEST_MISMATCH
 * (the sealed sequence is not the server's), ROLLBACK (older than the last one seen).
 */
export function openVaultSettings(owner: IdentitySecrets, vaultId: string, bytes: Uint8Array, expected: VaultSettingsExpectation): VaultSettings {
  const version = bytes[0];
  if (version === undefined) throw new CryptoError('FORMAT_INVALID');
  if (!OPENABLE_VERSIONS.includes(version)) throw new CryptoError('VERSION_UNSUPPORTED');
  const settings = decodeSettings(openPadded(settingsKey(owner), settingsAad(vaultId, version), bytes, version), version);
  if (settings.sequence !== expected.sequence) throw new CryptoError('MANIFEST_MISMATCH');
  if (expected.lastSeen !== undefined && settings.sequence < expected.lastSeen) throw new CryptoError('ROLLBACK');
  return settings;
}

function settingsKey(owner: IdentitySecrets): Uint8Array {
  return seedDerivedKey(owner, new ByteWriter().text(VAULT_SETTINGS_KEY_LABEL).finish());
}

/** Version 1 kept its associated data as it was; from version 2 the version is bound in it (ATK-26). */
function settingsAad(vaultId: string, version: number): Uint8Array {
  checkAccountId(vaultId);
  const writer = new ByteWriter().text(vaultId);
  if (version !== 1) writer.u8(version);
  return labelled(VAULT_SETTINGS_LABEL, writer.finish());
}

function encodeSettings(settings: VaultSettings): Uint8Array {
  if (settings.sequence < 1) throw new RangeError('sequence starts at 1');
  const writer = new ByteWriter().u64(settings.sequence);
  for (const ids of [settings.hiddenFromPractitioners, settings.blockedAccounts, settings.hiddenDocuments]) {
    const sorted = sortedIds(ids);
    writer.u32(sorted.length);
    for (const id of sorted) writer.fixed(id, id.length);
  }
  const records = sortedRecords(settings.records);
  writer.u32(records.length);
  for (const record of records) writer.fixed(record.id, record.id.length).fixed(record.keysHash, KEYS_HASH_BYTES);
  return writer.finish();
}

function sortedRecords(records: readonly RecordPin[]): { id: Uint8Array; keysHash: Uint8Array }[] {
  const sorted = [...records].sort((a, b) => compareBytes(new TextEncoder().encode(a.vaultId), new TextEncoder().encode(b.vaultId)));
  // Checks every id and refuses a duplicate; its order is the one just sorted.
  const ids = sortedIds(sorted.map((record) => record.vaultId));
  return sorted.map((record, index) => {
    if (record.keysHash.length !== KEYS_HASH_BYTES) throw new RangeError('a record needs a 32-byte keys hash');
    return { id: ids[index]!, keysHash: record.keysHash };
  });
}

function decodeSettings(body: Uint8Array, version: number): VaultSettings {
  const reader = new ByteReader(body);
  const sequence = reader.u64();
  if (sequence < 1) throw new CryptoError('FORMAT_INVALID');
  const settings = { sequence, hiddenFromPractitioners: readIds(reader), blockedAccounts: readIds(reader), hiddenDocuments: readIds(reader), records: [] as RecordPin[] };
  if (version !== 1) settings.records = readRecords(reader);
  reader.end();
  return settings;
}

/** u32 n | n x (id vaultId | fixed32 keysHash), strictly ascending by the vault ids' UTF-8 bytes. */
function readRecords(reader: ByteReader): RecordPin[] {
  const count = reader.u32();
  if (count > reader.remaining) throw new CryptoError('FORMAT_INVALID');
  const records: RecordPin[] = [];
  for (let i = 0; i < count; i++) {
    const vaultId = readAccountId(reader);
    const previous = records.at(-1);
    if (previous !== undefined && compareBytes(new TextEncoder().encode(previous.vaultId), new TextEncoder().encode(vaultId)) >= 0) throw new CryptoError('FORMAT_INVALID');
    records.push({ vaultId, keysHash: reader.fixed(KEYS_HASH_BYTES) });
  }
  return records;
}

/** u32 n | n x id, strictly ascending by UTF-8 bytes. */
function readIds(reader: ByteReader): string[] {
  const count = reader.u32();
  if (count > reader.remaining) throw new CryptoError('FORMAT_INVALID');
  const ids: string[] = [];
  let previous: Uint8Array | null = null;
  for (let i = 0; i < count; i++) {
    const id = readAccountId(reader);
    const key = new TextEncoder().encode(id);
    if (previous !== null && compareBytes(previous, key) >= 0) throw new CryptoError('FORMAT_INVALID');
    previous = key;
    ids.push(id);
  }
  return ids;
}

/** Each id as its encoded text (u32 length | UTF-8), in ascending byte order. */
function sortedIds(ids: readonly string[]): Uint8Array[] {
  const keyed = ids.map((id) => {
    checkAccountId(id);
    return { utf8: new TextEncoder().encode(id), encoded: new ByteWriter().text(id).finish() };
  });
  keyed.sort((a, b) => compareBytes(a.utf8, b.utf8));
  for (let i = 1; i < keyed.length; i++) {
    if (compareBytes(keyed[i - 1]!.utf8, keyed[i]!.utf8) === 0) throw new RangeError('duplicate id in vault settings');
  }
  return keyed.map(({ encoded }) => encoded);
}
