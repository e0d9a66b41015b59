// The name of a record of a relative (crypto/vault-label.ts, SPEC.md part 3 section 11): sealed under a key
// only the vault's seeds give, bound to the vault, always one 256-byte block, NFC text of 1 to 200 bytes.
import { hkdfSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ByteWriter } from '../../crypto/encoding.ts';
import { labelled } from '../../crypto/identity.ts';
import { initPrimitives, randomBytes, xchacha20poly1305Seal } from '../../crypto/primitives.ts';
import { openVaultLabel, sealVaultLabel } from '../../crypto/vault-label.ts';
import { sealVaultSettings } from '../../crypto/vault-settings.ts';
import { codeOf, concat, expectCode, flip, makeIdentity } from './identity-fixtures.ts';

beforeAll(initPrimitives);

const vault = makeIdentity('vault-1', 'vault');
const creator = makeIdentity('parent-1', 'patient');
const VAULT_ID = 'vault-1';
const SEALED_BYTES = 1 + 24 + 256 + 16;

/** The key and box exactly as SPEC.md writes them, computed with node:crypto's HKDF. */
function sealRaw(plaintext: Uint8Array, version = 1): Uint8Array {
  const ikm = concat(vault.secrets.signingSeed, vault.secrets.kemSeed);
  const info = concat(new Uint8Array([0, 0, 0, 31]), new TextEncoder().encode('coffre-sante/v1/vault-label-key'));
  const key = new Uint8Array(hkdfSync('sha256', ikm, new Uint8Array(0), info, 32));
  const aad = labelled('coffre-sante/v1/vault-label', new ByteWriter().text(VAULT_ID).finish());
  const nonce = randomBytes(24);
  return concat(Uint8Array.of(version), nonce, xchacha20poly1305Seal(key, nonce, plaintext, aad));
}

function padded(label: Uint8Array, size = 256): Uint8Array {
  const out = new Uint8Array(size);
  out.set(new ByteWriter().u32(label.length).finish());
  out.set(label, 4);
  return out;
}

describe('vault label', () => {
  it.each(['Léa', 'Papa', 'x', 'é'.repeat(100)])('round-trips %s in one 256-byte block', (label) => {
    const bytes = sealVaultLabel(vault.secrets, VAULT_ID, label);
    expect(bytes.length).toBe(SEALED_BYTES);
    expect(openVaultLabel(vault.secrets, VAULT_ID, bytes)).toBe(label);
  });

  it('normalises to NFC before sealing', () => {
    const decomposed = 'Le\u0301a';
    expect(openVaultLabel(vault.secrets, VAULT_ID, sealVaultLabel(vault.secrets, VAULT_ID, decomposed))).toBe('L\u00e9a');
  });

  it('opens a label sealed exactly as SPEC.md part 3 section 11 writes it (key from node:crypto HKDF)', () => {
    expect(openVaultLabel(vault.secrets, VAULT_ID, sealRaw(padded(new TextEncoder().encode('Grand-mère'))))).toBe('Grand-mère');
  });

  it('a label moved to another vault, opened by another identity, or sealed by one, fails', () => {
    const bytes = sealVaultLabel(vault.secrets, VAULT_ID, 'Léa');
    expectCode(() => openVaultLabel(vault.secrets, 'vault-2', bytes), 'DECRYPTION_FAILED');
    expectCode(() => openVaultLabel(creator.secrets, VAULT_ID, bytes), 'DECRYPTION_FAILED');
    expectCode(() => openVaultLabel(vault.secrets, VAULT_ID, sealVaultLabel(creator.secrets, VAULT_ID, 'Léa')), 'DECRYPTION_FAILED');
  });

  it('settings and label keys are separate: vault settings do not open as a label', () => {
    const settings = sealVaultSettings(vault.secrets, VAULT_ID, { sequence: 1, hiddenFromPractitioners: [], blockedAccounts: [], hiddenDocuments: [], records: [] });
    // Under the label's version byte, so that only the key (and its associated data) can refuse it.
    expectCode(() => openVaultLabel(vault.secrets, VAULT_ID, Uint8Array.of(1, ...settings.subarray(1))), 'DECRYPTION_FAILED');
  });

  it('every single-byte change of a sealed label is a typed error', () => {
    const bytes = sealVaultLabel(vault.secrets, VAULT_ID, 'Léa');
    for (let index = 0; index < bytes.length; index++) {
      expect(codeOf(() => openVaultLabel(vault.secrets, VAULT_ID, flip(bytes, index)))).toBe(index === 0 ? 'VERSION_UNSUPPORTED' : 'DECRYPTION_FAILED');
    }
  });

  it('refuses another version, truncation, extension and empty input', () => {
    const bytes = sealVaultLabel(vault.secrets, VAULT_ID, 'Léa');
    expectCode(() => openVaultLabel(vault.secrets, VAULT_ID, sealRaw(padded(Uint8Array.of(0x41)), 2)), 'VERSION_UNSUPPORTED');
    expectCode(() => openVaultLabel(vault.secrets, VAULT_ID, new Uint8Array(0)), 'FORMAT_INVALID');
    expectCode(() => openVaultLabel(vault.secrets, VAULT_ID, bytes.subarray(0, bytes.length - 1)), 'FORMAT_INVALID');
    expectCode(() => openVaultLabel(vault.secrets, VAULT_ID, concat(bytes, new Uint8Array(256))), 'DECRYPTION_FAILED');
  });

  it('ATK-26 refuses non-canonical labels, even sealed under the vault key (FORMAT_INVALID)', () => {
    const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
    const cases: [string, Uint8Array][] = [
      ['empty label', padded(new Uint8Array(0))],
      ['201 bytes', padded(utf8('x'.repeat(201)), 512)],
      ['invalid UTF-8', padded(Uint8Array.of(0x41, 0xc3))],
      ['not NFC', padded(utf8('Le\u0301a'))],
      ['padding to 512 instead of 256', padded(utf8('Léa'), 512)],
      ['non-zero padding', (() => { const p = padded(utf8('Léa')); p[255] = 1; return p; })()],
      ['length beyond the block', (() => { const p = padded(utf8('Léa')); p.set(new ByteWriter().u32(253).finish()); return p; })()],
    ];
    for (const [name, plaintext] of cases) {
      expect([name, codeOf(() => openVaultLabel(vault.secrets, VAULT_ID, sealRaw(plaintext)))]).toEqual([name, 'FORMAT_INVALID']);
    }
  });

  it('treats an empty or over-long label and a bad vault id as caller misuse', () => {
    expect(() => sealVaultLabel(vault.secrets, VAULT_ID, '')).toThrow(RangeError);
    expect(() => sealVaultLabel(vault.secrets, VAULT_ID, 'x'.repeat(201))).toThrow(RangeError);
    expect(() => sealVaultLabel(vault.secrets, VAULT_ID, 'é'.repeat(101))).toThrow(RangeError);
    expect(() => sealVaultLabel(vault.secrets, '', 'Léa')).toThrow(RangeError);
  });
});

describe('vault label text', () => {
  it('keeps a leading U+FEFF as text (the decoder does not strip it), so bytes and label map one to one', () => {
    const label = '\ufeffA';
    expect(openVaultLabel(vault.secrets, VAULT_ID, sealRaw(padded(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41))))).toBe(label);
    expect(openVaultLabel(vault.secrets, VAULT_ID, sealVaultLabel(vault.secrets, VAULT_ID, label))).toBe(label);
  });
});
