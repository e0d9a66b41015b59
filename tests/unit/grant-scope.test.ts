// The owner-only grant scope (crypto/grant-scope.ts, SPEC.md part 3 section 10): sealed under a key only
// the owner's seeds give, bound to its grant, padded, and decoded strictly.
import { beforeAll, describe, expect, it } from 'vitest';
import { ByteWriter } from '../../crypto/encoding.ts';
import { GRANT_SCOPE_KEY_LABEL, GRANT_SCOPE_LABEL, openGrantScope, sealGrantScope, type GrantScope } from '../../crypto/grant-scope.ts';
import { labelled } from '../../crypto/identity.ts';
import { hkdfSha256, initPrimitives, randomBytes, xchacha20poly1305Seal } from '../../crypto/primitives.ts';
import { codeOf, concat, expectCode, flip, makeIdentity } from './identity-fixtures.ts';

beforeAll(initPrimitives);

const owner = makeIdentity('vault-1', 'vault');
const doctor = makeIdentity('dr-1', 'practitioner');
const REF = { vaultId: 'vault-1', grantId: 'grant-1' };

/** The scope key and sealing exactly as SPEC.md writes them, to build plaintexts sealGrantScope never makes. */
function sealRaw(plaintext: Uint8Array, version = 1): Uint8Array {
  const key = hkdfSha256(concat(owner.secrets.signingSeed, owner.secrets.kemSeed), new Uint8Array(0), new ByteWriter().text(GRANT_SCOPE_KEY_LABEL).finish(), 32);
  const aad = labelled(GRANT_SCOPE_LABEL, new ByteWriter().text(REF.vaultId).text(REF.grantId).finish());
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

const scopeBody = (kind: number, categories: string[]): Uint8Array => {
  const writer = new ByteWriter().u8(kind).u32(categories.length);
  for (const category of categories) writer.text(category);
  return writer.finish();
};

describe('grant scope', () => {
  it.each<GrantScope>([
    { kind: 'all' },
    { kind: 'documents' },
    { kind: 'categories', categories: [] },
    { kind: 'categories', categories: ['radiology', 'biology', 'prescription'] },
  ])('round-trips %j with sorted categories and a 256-byte padded size', (scope) => {
    const bytes = sealGrantScope(owner.secrets, REF, scope);
    expect(bytes.length).toBe(1 + 24 + 256 + 16);
    const opened = openGrantScope(owner.secrets, REF, bytes);
    expect(opened).toEqual(scope.kind === 'categories' ? { kind: 'categories', categories: [...scope.categories].sort() } : scope);
  });

  it('opens a scope sealed exactly as SPEC.md part 3 section 10 writes it', () => {
    expect(openGrantScope(owner.secrets, REF, sealRaw(padded(scopeBody(2, ['a', 'b']))))).toEqual({ kind: 'categories', categories: ['a', 'b'] });
    expect(openGrantScope(owner.secrets, REF, sealRaw(padded(scopeBody(1, []))))).toEqual({ kind: 'all' });
  });

  it('pads many categories to the next multiple of 256 bytes', () => {
    const categories = Array.from({ length: 40 }, (_, i) => `category-${String(i).padStart(2, '0')}`);
    const bytes = sealGrantScope(owner.secrets, REF, { kind: 'categories', categories });
    expect((bytes.length - 41) % 256).toBe(0);
    expect(bytes.length - 41).toBeGreaterThan(256);
    expect(openGrantScope(owner.secrets, REF, bytes)).toEqual({ kind: 'categories', categories });
  });

  it('ATK-20 ATK-21 a recipient cannot open or forge the scope (different key)', () => {
    const bytes = sealGrantScope(owner.secrets, REF, { kind: 'documents' });
    expectCode(() => openGrantScope(doctor.secrets, REF, bytes), 'DECRYPTION_FAILED');
    const widened = sealGrantScope(doctor.secrets, REF, { kind: 'all' });
    expectCode(() => openGrantScope(owner.secrets, REF, widened), 'DECRYPTION_FAILED');
  });

  it('ATK-05 a scope moved to another grant or vault fails', () => {
    const bytes = sealGrantScope(owner.secrets, REF, { kind: 'all' });
    expectCode(() => openGrantScope(owner.secrets, { ...REF, grantId: 'grant-2' }, bytes), 'DECRYPTION_FAILED');
    expectCode(() => openGrantScope(owner.secrets, { ...REF, vaultId: 'vault-2' }, bytes), 'DECRYPTION_FAILED');
  });

  it('every single-byte change of a sealed scope is a typed error', () => {
    const bytes = sealGrantScope(owner.secrets, REF, { kind: 'categories', categories: ['biology'] });
    for (let index = 0; index < bytes.length; index++) {
      const code = codeOf(() => openGrantScope(owner.secrets, REF, flip(bytes, index)));
      expect(code).toBe(index === 0 ? 'VERSION_UNSUPPORTED' : 'DECRYPTION_FAILED');
    }
  });

  it('refuses another version, truncation, extension and empty input', () => {
    const bytes = sealGrantScope(owner.secrets, REF, { kind: 'all' });
    expectCode(() => openGrantScope(owner.secrets, REF, sealRaw(padded(scopeBody(1, [])), 2)), 'VERSION_UNSUPPORTED');
    expectCode(() => openGrantScope(owner.secrets, REF, new Uint8Array(0)), 'FORMAT_INVALID');
    expectCode(() => openGrantScope(owner.secrets, REF, bytes.subarray(0, 40)), 'FORMAT_INVALID');
    expectCode(() => openGrantScope(owner.secrets, REF, bytes.subarray(0, bytes.length - 1)), 'FORMAT_INVALID');
    expectCode(() => openGrantScope(owner.secrets, REF, concat(bytes, new Uint8Array(256))), 'DECRYPTION_FAILED');
  });

  it('ATK-26 refuses non-canonical plaintexts, even sealed under the owner key (FORMAT_INVALID)', () => {
    const cases: [string, Uint8Array][] = [
      ['unknown kind 0', padded(scopeBody(0, []))],
      ['unknown kind 4', padded(scopeBody(4, []))],
      ['categories with kind all', padded(scopeBody(1, ['biology']))],
      ['categories with kind documents', padded(scopeBody(3, ['biology']))],
      ['unsorted categories', padded(scopeBody(2, ['radiology', 'biology']))],
      ['duplicate categories', padded(scopeBody(2, ['biology', 'biology']))],
      ['empty category', padded(scopeBody(2, ['']))],
      ['category over 64 bytes', padded(scopeBody(2, ['x'.repeat(65)]))],
      ['trailing byte in the body', padded(concat(scopeBody(1, []), Uint8Array.of(0)))],
      ['count beyond the body', padded(new ByteWriter().u8(2).u32(3).text('a').finish())],
      ['padding to 512 instead of 256', padded(scopeBody(1, []), 512)],
      ['unpadded', padded(scopeBody(1, []), 9)],
      ['length beyond the body', (() => { const p = padded(scopeBody(1, [])); p.set(new ByteWriter().u32(300).finish()); return p; })()],
      ['non-zero padding', (() => { const p = padded(scopeBody(1, [])); p[255] = 1; return p; })()],
    ];
    for (const [name, plaintext] of cases) {
      expect([name, codeOf(() => openGrantScope(owner.secrets, REF, sealRaw(plaintext)))]).toEqual([name, 'FORMAT_INVALID']);
    }
  });

  it('treats duplicate, empty or oversized categories and bad ids as caller misuse', () => {
    expect(() => sealGrantScope(owner.secrets, REF, { kind: 'categories', categories: ['a', 'a'] })).toThrow(RangeError);
    expect(() => sealGrantScope(owner.secrets, REF, { kind: 'categories', categories: [''] })).toThrow(RangeError);
    expect(() => sealGrantScope(owner.secrets, REF, { kind: 'categories', categories: ['x'.repeat(65)] })).toThrow(RangeError);
    expect(() => sealGrantScope(owner.secrets, { ...REF, grantId: '' }, { kind: 'all' })).toThrow(RangeError);
  });
});
