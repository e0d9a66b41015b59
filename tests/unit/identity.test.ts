import { beforeAll, describe, expect, it } from 'vitest';
import { ByteWriter } from '../../crypto/encoding.ts';
import { HYBRID_PUBLIC_KEY_BYTES } from '../../crypto/envelope-kem.ts';
import { generateIdentity, identityPublicKeys, labelled, PUBLIC_BUNDLE_LABEL, signPublicBundle, verifyPublicBundle } from '../../crypto/identity.ts';
import { ed25519Sign, initPrimitives } from '../../crypto/primitives.ts';
import { codeOf, concat, expectCode, flip, makeIdentity } from './identity-fixtures.ts';

beforeAll(initPrimitives);

const SIG = 64;
const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

describe('identity and self-signed public bundle', () => {
  it('generates independent 32-byte seeds and derives stable public keys', () => {
    const a = generateIdentity();
    const b = generateIdentity();
    expect(a.signingSeed).toHaveLength(32);
    expect(a.kemSeed).toHaveLength(32);
    expect(a.signingSeed).not.toEqual(b.signingSeed);
    const keys = identityPublicKeys(a);
    expect(keys.signingPublicKey).toHaveLength(32);
    expect(keys.encryptionPublicKey).toHaveLength(HYBRID_PUBLIC_KEY_BYTES);
    expect(identityPublicKeys(a)).toEqual(keys);
  });

  it('round-trips every field through sign and verify', () => {
    for (const role of ['patient', 'practitioner', 'vault'] as const) {
      const secrets = generateIdentity();
      const bundle = verifyPublicBundle(signPublicBundle(secrets, { accountId: 'acct-é-1', role, createdAt: 1_790_000_000_123 }));
      expect(bundle).toEqual({ version: 1, accountId: 'acct-é-1', role, createdAt: 1_790_000_000_123, ...identityPublicKeys(secrets) });
    }
  });

  it('encodes the layout of the spec: u16 version, text id, u8 role, keys, u64 createdAt, signature', () => {
    const { secrets, bundleBytes } = makeIdentity('ab', 'practitioner', 5);
    const keys = identityPublicKeys(secrets);
    const body = new ByteWriter().u16(1).text('ab').u8(2).fixed(keys.signingPublicKey, 32)
      .fixed(keys.encryptionPublicKey, HYBRID_PUBLIC_KEY_BYTES).u64(5).finish();
    expect(bundleBytes.subarray(0, bundleBytes.length - SIG)).toEqual(body);
    expect(bundleBytes.subarray(bundleBytes.length - SIG)).toEqual(ed25519Sign(secrets.signingSeed, labelled(PUBLIC_BUNDLE_LABEL, body)));
  });

  it('ATK-03 refuses a bundle whose encryption key the server replaced with its own', () => {
    const alice = makeIdentity('alice');
    const server = makeIdentity('server');
    const offset = 2 + 4 + 5 + 1 + 32;
    const forged = alice.bundleBytes.slice();
    forged.set(server.bundle.encryptionPublicKey, offset);
    expectCode(() => verifyPublicBundle(forged), 'SIGNATURE_INVALID');
  });

  it('ATK-03 refuses a bundle relabelled to another account id or role', () => {
    const alice = makeIdentity('alice');
    const relabelled = alice.bundleBytes.slice();
    relabelled.set(new TextEncoder().encode('mallo'), 6);
    expectCode(() => verifyPublicBundle(relabelled), 'SIGNATURE_INVALID');
    expectCode(() => verifyPublicBundle(flip(alice.bundleBytes, 11, 0x03)), 'SIGNATURE_INVALID');
  });

  it('ATK-03 refuses a bundle signed by a key other than the one it contains', () => {
    const alice = makeIdentity('alice');
    const server = generateIdentity();
    const body = alice.bundleBytes.subarray(0, alice.bundleBytes.length - SIG);
    const forged = concat(body, ed25519Sign(server.signingSeed, labelled(PUBLIC_BUNDLE_LABEL, body)));
    expectCode(() => verifyPublicBundle(forged), 'SIGNATURE_INVALID');
  });

  it('ATK-35 refuses a malleated signature (S + L) that lenient verifiers accept', () => {
    const { bundleBytes } = makeIdentity('alice');
    const sOffset = bundleBytes.length - 32;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(bundleBytes[sOffset + i]!);
    let malleated = s + GROUP_ORDER;
    const forged = bundleBytes.slice();
    for (let i = 0; i < 32; i++) {
      forged[sOffset + i] = Number(malleated & 0xffn);
      malleated >>= 8n;
    }
    expectCode(() => verifyPublicBundle(forged), 'SIGNATURE_INVALID');
  });

  it('ATK-26 refuses other format versions, even correctly signed', () => {
    const { secrets, bundleBytes } = makeIdentity('alice');
    for (const version of [0, 2, 0xffff]) {
      const body = bundleBytes.slice(0, bundleBytes.length - SIG);
      body[0] = version >> 8;
      body[1] = version & 0xff;
      const resigned = concat(body, ed25519Sign(secrets.signingSeed, labelled(PUBLIC_BUNDLE_LABEL, body)));
      expectCode(() => verifyPublicBundle(resigned), 'VERSION_UNSUPPORTED');
    }
  });

  it('refuses truncated, extended, empty and unknown-role bundles with FORMAT_INVALID', () => {
    const { secrets, bundleBytes } = makeIdentity('alice');
    expectCode(() => verifyPublicBundle(new Uint8Array(0)), 'FORMAT_INVALID');
    expectCode(() => verifyPublicBundle(bundleBytes.subarray(0, bundleBytes.length - 1)), 'FORMAT_INVALID');
    expectCode(() => verifyPublicBundle(concat(bundleBytes, Uint8Array.of(0))), 'FORMAT_INVALID');
    for (const role of [0, 4, 255]) {
      const body = bundleBytes.slice(0, bundleBytes.length - SIG);
      body[11] = role;
      const resigned = concat(body, ed25519Sign(secrets.signingSeed, labelled(PUBLIC_BUNDLE_LABEL, body)));
      expectCode(() => verifyPublicBundle(resigned), 'FORMAT_INVALID');
    }
  });

  it('ATK-03 every single-byte change of a signed bundle is a typed error', () => {
    const { bundleBytes } = makeIdentity('alice');
    const allowed = new Set(['SIGNATURE_INVALID', 'FORMAT_INVALID', 'VERSION_UNSUPPORTED']);
    let checked = 0;
    for (let index = 0; index < bundleBytes.length; index++) {
      expect(allowed.has(codeOf(() => verifyPublicBundle(flip(bundleBytes, index, 0x80))))).toBe(true);
      checked += 1;
    }
    expect(checked).toBe(bundleBytes.length);
  });

  it('rejects empty or over-long account ids as caller misuse', () => {
    const secrets = generateIdentity();
    expect(() => signPublicBundle(secrets, { accountId: '', role: 'patient', createdAt: 0 })).toThrow(RangeError);
    expect(() => signPublicBundle(secrets, { accountId: 'x'.repeat(257), role: 'patient', createdAt: 0 })).toThrow(RangeError);
  });
});
