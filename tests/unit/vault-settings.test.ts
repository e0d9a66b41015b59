// Vault settings (crypto/vault-settings.ts, SPEC.md part 3 section 11): sealed under a key only the vault's
// seeds give, bound to the vault, numbered against replay, padded, and decoded strictly.
import { hkdfSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ByteWriter } from '../../crypto/encoding.ts';
import { labelled } from '../../crypto/identity.ts';
import { initPrimitives, randomBytes, xchacha20poly1305Seal } from '../../crypto/primitives.ts';
import { openVaultSettings, sealVaultSettings, type VaultSettings } from '../../crypto/vault-settings.ts';
import { codeOf, concat, expectCode, flip, makeIdentity } from './identity-fixtures.ts';

beforeAll(initPrimitives);

const vault = makeIdentity('vault-1', 'vault');
const doctor = makeIdentity('dr-1', 'practitioner');
const VAULT_ID = 'vault-1';

const settings = (sequence: number, overrides: Partial<VaultSettings> = {}): VaultSettings => ({
  sequence,
  hiddenFromPractitioners: [],
  blockedAccounts: [],
  hiddenDocuments: [],
  records: [],
  ...overrides,
});

/** The key and box exactly as SPEC.md writes them, computed with node:crypto's HKDF, to build plaintexts the sealer never makes. */
function sealRaw(plaintext: Uint8Array, version = 1): Uint8Array {
  const ikm = concat(vault.secrets.signingSeed, vault.secrets.kemSeed);
  const info = concat(new Uint8Array([0, 0, 0, 34]), new TextEncoder().encode('coffre-sante/v1/vault-settings-key'));
  const key = new Uint8Array(hkdfSync('sha256', ikm, new Uint8Array(0), info, 32));
  // Version 1 binds the vault id only; from version 2 the version byte follows it.
  const bound = new ByteWriter().text(VAULT_ID);
  if (version !== 1) bound.u8(version);
  const aad = labelled('coffre-sante/v1/vault-settings', bound.finish());
  const nonce = randomBytes(24);
  return concat(Uint8Array.of(version), nonce, xchacha20poly1305Seal(key, nonce, plaintext, aad));
}

/** u32 len | body | zero padding to `size` (default: the next multiple of 256). */
function padded(body: Uint8Array, size = Math.ceil((4 + body.length) / 256) * 256): Uint8Array {
  const out = new Uint8Array(size);
  out.set(new ByteWriter().u32(body.length).finish());
  out.set(body, 4);
  return out;
}

/** A version 2 body: the three lists of version 1, then the records with their keys hashes, as given. */
function bodyV2(sequence: number, records: { vaultId: string; keysHash: Uint8Array }[]): Uint8Array {
  const writer = new ByteWriter().fixed(body(sequence, [], [], []), 20).u32(records.length);
  for (const record of records) writer.text(record.vaultId).fixed(record.keysHash, record.keysHash.length);
  return writer.finish();
}

function body(sequence: number, ...lists: string[][]): Uint8Array {
  const writer = new ByteWriter().u64(sequence);
  for (const list of lists) {
    writer.u32(list.length);
    for (const id of list) writer.text(id);
  }
  return writer.finish();
}

describe('vault settings', () => {
  it('round-trips with sorted lists and a 256-byte padded size', () => {
    const input = settings(3, { hiddenFromPractitioners: ['doc-b', 'doc-a'], blockedAccounts: ['dr-9'], hiddenDocuments: ['doc-z', 'doc-c'] });
    const bytes = sealVaultSettings(vault.secrets, VAULT_ID, input);
    expect(bytes.length).toBe(1 + 24 + 256 + 16);
    expect(openVaultSettings(vault.secrets, VAULT_ID, bytes, { sequence: 3, lastSeen: 2 })).toEqual({
      sequence: 3,
      hiddenFromPractitioners: ['doc-a', 'doc-b'],
      blockedAccounts: ['dr-9'],
      hiddenDocuments: ['doc-c', 'doc-z'],
      records: [],
    });
  });

  it('round-trips the records this person created or joined, in id order, with their keys hashes', () => {
    const records = [{ vaultId: 'record-b', keysHash: new Uint8Array(32).fill(2) }, { vaultId: 'record-a', keysHash: new Uint8Array(32).fill(1) }];
    const bytes = sealVaultSettings(vault.secrets, VAULT_ID, settings(2, { records }));
    expect(bytes[0]).toBe(2);
    expect(openVaultSettings(vault.secrets, VAULT_ID, bytes, { sequence: 2 }).records).toEqual([records[1], records[0]]);
  });

  it('still opens a version 1 blob, written before the record list, as having no records', () => {
    const v1 = sealRaw(padded(body(4, ['doc-a'], [], [])), 1);
    expect(openVaultSettings(vault.secrets, VAULT_ID, v1, { sequence: 4 })).toEqual(settings(4, { hiddenFromPractitioners: ['doc-a'] }));
  });

  it('ATK-26 binds the version: a version 2 blob relabelled 1, or a version 1 blob relabelled 2, fails', () => {
    const v2 = sealVaultSettings(vault.secrets, VAULT_ID, settings(1));
    expectCode(() => openVaultSettings(vault.secrets, VAULT_ID, Uint8Array.of(1, ...v2.subarray(1)), { sequence: 1 }), 'DECRYPTION_FAILED');
    const v1 = sealRaw(padded(body(1, [], [], [])), 1);
    expectCode(() => openVaultSettings(vault.secrets, VAULT_ID, Uint8Array.of(2, ...v1.subarray(1)), { sequence: 1 }), 'DECRYPTION_FAILED');
  });

  it('ATK-26 refuses a non-canonical record list, even sealed under the vault key (FORMAT_INVALID)', () => {
    const hash = new Uint8Array(32);
    const cases: [string, Uint8Array][] = [
      ['unsorted records', padded(bodyV2(1, [{ vaultId: 'record-b', keysHash: hash }, { vaultId: 'record-a', keysHash: hash }]))],
      ['duplicate records', padded(bodyV2(1, [{ vaultId: 'record-a', keysHash: hash }, { vaultId: 'record-a', keysHash: hash }]))],
      ['a short keys hash', padded(bodyV2(1, [{ vaultId: 'record-a', keysHash: new Uint8Array(31) }]))],
      ['no record list in version 2', padded(body(1, [], [], []))],
    ];
    for (const [name, plaintext] of cases) {
      expect([name, codeOf(() => openVaultSettings(vault.secrets, VAULT_ID, sealRaw(plaintext, 2), { sequence: 1 }))]).toEqual([name, 'FORMAT_INVALID']);
    }
    expect(openVaultSettings(vault.secrets, VAULT_ID, sealRaw(padded(bodyV2(1, [{ vaultId: 'record-a', keysHash: hash }])), 2), { sequence: 1 }).records).toEqual([{ vaultId: 'record-a', keysHash: hash }]);
  });

  it('pads many ids to the next multiple of 256 bytes', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `document-${String(i).padStart(3, '0')}`);
    const bytes = sealVaultSettings(vault.secrets, VAULT_ID, settings(1, { hiddenDocuments: ids }));
    expect((bytes.length - 41) % 256).toBe(0);
    expect(bytes.length - 41).toBeGreaterThan(256);
    expect(openVaultSettings(vault.secrets, VAULT_ID, bytes, { sequence: 1 }).hiddenDocuments).toEqual(ids);
  });

  it('opens settings sealed exactly as SPEC.md part 3 section 11 writes them (key from node:crypto HKDF)', () => {
    const bytes = sealRaw(padded(body(7, ['doc-1'], ['dr-1', 'dr-2'], [])));
    expect(openVaultSettings(vault.secrets, VAULT_ID, bytes, { sequence: 7 })).toEqual(
      settings(7, { hiddenFromPractitioners: ['doc-1'], blockedAccounts: ['dr-1', 'dr-2'] }),
    );
  });

  it('ATK-17 ROLLBACK refuses a replayed older settings', () => {
    const older = sealVaultSettings(vault.secrets, VAULT_ID, settings(4, { blockedAccounts: ['dr-1'] }));
    expectCode(() => openVaultSettings(vault.secrets, VAULT_ID, older, { sequence: 4, lastSeen: 5 }), 'ROLLBACK');
    expect(openVaultSettings(vault.secrets, VAULT_ID, older, { sequence: 4, lastSeen: 4 }).sequence).toBe(4);
  });

  it('ATK-17 refuses a blob whose sealed sequence is not the server’s (MANIFEST_MISMATCH)', () => {
    const bytes = sealVaultSettings(vault.secrets, VAULT_ID, settings(4));
    expectCode(() => openVaultSettings(vault.secrets, VAULT_ID, bytes, { sequence: 5 }), 'MANIFEST_MISMATCH');
    expectCode(() => openVaultSettings(vault.secrets, VAULT_ID, bytes, { sequence: 3 }), 'MANIFEST_MISMATCH');
  });

  it('ATK-05 a settings blob moved to another vault fails', () => {
    const bytes = sealVaultSettings(vault.secrets, VAULT_ID, settings(1));
    expectCode(() => openVaultSettings(vault.secrets, 'vault-2', bytes, { sequence: 1 }), 'DECRYPTION_FAILED');
  });

  it('a practitioner or the server cannot open or forge the settings (different key)', () => {
    const bytes = sealVaultSettings(vault.secrets, VAULT_ID, settings(1));
    expectCode(() => openVaultSettings(doctor.secrets, VAULT_ID, bytes, { sequence: 1 }), 'DECRYPTION_FAILED');
    const forged = sealVaultSettings(doctor.secrets, VAULT_ID, settings(2));
    expectCode(() => openVaultSettings(vault.secrets, VAULT_ID, forged, { sequence: 2 }), 'DECRYPTION_FAILED');
  });

  it('every single-byte change of sealed settings is a typed error', () => {
    const bytes = sealVaultSettings(vault.secrets, VAULT_ID, settings(2, { blockedAccounts: ['dr-1'] }));
    for (let index = 0; index < bytes.length; index++) {
      const code = codeOf(() => openVaultSettings(vault.secrets, VAULT_ID, flip(bytes, index), { sequence: 2 }));
      expect(code).toBe(index === 0 ? 'VERSION_UNSUPPORTED' : 'DECRYPTION_FAILED');
    }
  });

  it('refuses another version, truncation, extension and empty input', () => {
    const bytes = sealVaultSettings(vault.secrets, VAULT_ID, settings(1));
    expectCode(() => openVaultSettings(vault.secrets, VAULT_ID, sealRaw(padded(body(1, [], [], [])), 3), { sequence: 1 }), 'VERSION_UNSUPPORTED');
    expectCode(() => openVaultSettings(vault.secrets, VAULT_ID, new Uint8Array(0), { sequence: 1 }), 'FORMAT_INVALID');
    expectCode(() => openVaultSettings(vault.secrets, VAULT_ID, bytes.subarray(0, 40), { sequence: 1 }), 'FORMAT_INVALID');
    expectCode(() => openVaultSettings(vault.secrets, VAULT_ID, bytes.subarray(0, bytes.length - 1), { sequence: 1 }), 'FORMAT_INVALID');
    expectCode(() => openVaultSettings(vault.secrets, VAULT_ID, concat(bytes, new Uint8Array(256)), { sequence: 1 }), 'DECRYPTION_FAILED');
  });

  it('ATK-26 refuses non-canonical plaintexts, even sealed under the vault key (FORMAT_INVALID)', () => {
    const cases: [string, Uint8Array][] = [
      ['sequence 0', padded(body(0, [], [], []))],
      ['unsorted ids', padded(body(1, ['doc-b', 'doc-a'], [], []))],
      ['duplicate ids', padded(body(1, [], ['dr-1', 'dr-1'], []))],
      ['empty id', padded(body(1, [], [], ['']))],
      ['id over 256 bytes', padded(body(1, ['x'.repeat(257)], [], []))],
      ['a missing list', padded(body(1, [], []))],
      ['a fourth list', padded(body(1, [], [], [], []))],
      ['trailing byte in the body', padded(concat(body(1, [], [], []), Uint8Array.of(0)))],
      ['count beyond the body', padded(new ByteWriter().u64(1).u32(9).text('a').u32(0).u32(0).finish())],
      ['sequence above 2^53 - 1', padded(concat(new Uint8Array(8).fill(0xff), new Uint8Array(12)))],
      ['padding to 512 instead of 256', padded(body(1, [], [], []), 512)],
      ['unpadded', padded(body(1, [], [], []), 24)],
      ['length beyond the body', (() => { const p = padded(body(1, [], [], [])); p.set(new ByteWriter().u32(300).finish()); return p; })()],
      ['non-zero padding', (() => { const p = padded(body(1, [], [], [])); p[255] = 1; return p; })()],
    ];
    for (const [name, plaintext] of cases) {
      expect([name, codeOf(() => openVaultSettings(vault.secrets, VAULT_ID, sealRaw(plaintext), { sequence: 1 }))]).toEqual([name, 'FORMAT_INVALID']);
    }
  });

  it('treats duplicate or bad ids, sequence 0 and a bad vault id as caller misuse', () => {
    expect(() => sealVaultSettings(vault.secrets, VAULT_ID, settings(1, { blockedAccounts: ['a', 'a'] }))).toThrow(RangeError);
    expect(() => sealVaultSettings(vault.secrets, VAULT_ID, settings(1, { hiddenDocuments: [''] }))).toThrow(RangeError);
    expect(() => sealVaultSettings(vault.secrets, VAULT_ID, settings(0))).toThrow(RangeError);
    expect(() => sealVaultSettings(vault.secrets, '', settings(1))).toThrow(RangeError);
    expect(() => sealVaultSettings(vault.secrets, VAULT_ID, settings(1, { records: [{ vaultId: 'record-a', keysHash: new Uint8Array(16) }] }))).toThrow(RangeError);
    expect(() => sealVaultSettings(vault.secrets, VAULT_ID, settings(1, { records: [{ vaultId: 'r', keysHash: new Uint8Array(32) }, { vaultId: 'r', keysHash: new Uint8Array(32) }] }))).toThrow(RangeError);
  });
});
