import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPinned, comparePayload, decodePin, encodePin, fingerprintNumber, fingerprintQrPayload, keysHash, pinContact } from '../../crypto/fingerprint.ts';
import { generateIdentity, signPublicBundle, verifyPublicBundle } from '../../crypto/identity.ts';
import { ed25519Keygen, initPrimitives } from '../../crypto/primitives.ts';
import { expectCode, makeIdentity } from './identity-fixtures.ts';

beforeAll(initPrimitives);

// Example keys for the spec: Ed25519 key of seed 01^32, an arbitrary 1216-byte "encryption key" 02^1216.
const EXAMPLE = {
  signingPublicKey: ed25519Keygen(new Uint8Array(32).fill(1)).publicKey,
  encryptionPublicKey: new Uint8Array(1216).fill(2),
};

function independentKeysHash(signing: Uint8Array, encryption: Uint8Array): Buffer {
  const label = Buffer.from('coffre-sante/v1/fingerprint');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(label.length);
  return createHash('sha256').update(length).update(label).update(signing).update(encryption).digest();
}

describe('fingerprints', () => {
  it('hashes the labelled keys as the spec says (checked with node:crypto)', () => {
    const expected = independentKeysHash(EXAMPLE.signingPublicKey, EXAMPLE.encryptionPublicKey);
    expect(Buffer.from(keysHash(EXAMPLE))).toEqual(expected);
    expect(fingerprintQrPayload(EXAMPLE)).toBe('coffre-sante:fp1:' + expected.toString('base64url'));
    const groups = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => (expected.readUInt32BE(4 * i) % 100_000).toString().padStart(5, '0'));
    expect(fingerprintNumber(EXAMPLE)).toBe(groups.join(' '));
    // The example printed in crypto/SPEC.md (fingerprints).
    expect(fingerprintNumber(EXAMPLE)).toBe('30476 39517 10176 55880 57671 91953 83270 85479');
    expect(fingerprintQrPayload(EXAMPLE)).toBe('coffre-sante:fp1:RXD0TBOvDh0iTx1AIgmfCHIA1weQeafxliMbxqQDY2c');
  });

  it('shows 8 groups of 5 digits and changes when either key changes', () => {
    const a = makeIdentity('alice').bundle;
    const b = makeIdentity('alice').bundle;
    expect(fingerprintNumber(a)).toMatch(/^(\d{5} ){7}\d{5}$/);
    expect(fingerprintNumber(a)).not.toBe(fingerprintNumber(b));
    expect(fingerprintNumber({ ...a, encryptionPublicKey: b.encryptionPublicKey })).not.toBe(fingerprintNumber(a));
    expect(fingerprintNumber({ ...a, signingPublicKey: b.signingPublicKey })).not.toBe(fingerprintNumber(a));
  });

  it('ATK-03 compares a scanned QR payload with the keys the server returned', () => {
    const practitioner = makeIdentity('dr-x', 'practitioner').bundle;
    const server = makeIdentity('dr-x', 'practitioner').bundle;
    const scanned = fingerprintQrPayload(practitioner);
    expect(comparePayload(scanned, practitioner)).toBe(true);
    expect(comparePayload(scanned, server)).toBe(false);
  });

  it('refuses payloads that are not fingerprints or of an unknown version', () => {
    const bundle = makeIdentity('dr-x', 'practitioner').bundle;
    const hash = Buffer.from(keysHash(bundle)).toString('base64url');
    expectCode(() => comparePayload('https://example.org', bundle), 'FORMAT_INVALID');
    expectCode(() => comparePayload('coffre-sante:fp2:' + hash, bundle), 'VERSION_UNSUPPORTED');
    expectCode(() => comparePayload('coffre-sante:fp1:' + hash.slice(0, -2), bundle), 'FORMAT_INVALID');
    expectCode(() => comparePayload('coffre-sante:fp1:' + hash + 'AAAA', bundle), 'FORMAT_INVALID');
    expectCode(() => comparePayload('coffre-sante:fp1:' + hash.replace(/.$/, '*'), bundle), 'FORMAT_INVALID');
  });

  it('ATK-03 a pinned contact whose keys the server substitutes is KEY_CHANGED', () => {
    const practitioner = makeIdentity('dr-x', 'practitioner');
    const pin = pinContact(practitioner.bundle, { verified: true });
    checkPinned(pin, practitioner.bundle);
    const substitute = makeIdentity('dr-x', 'practitioner').bundle;
    expectCode(() => { checkPinned(pin, substitute); }, 'KEY_CHANGED');
    const otherAccount = verifyPublicBundle(signPublicBundle(practitioner.secrets, { accountId: 'dr-y', role: 'practitioner', createdAt: 1 }));
    expectCode(() => { checkPinned(pin, otherAccount); }, 'KEY_CHANGED');
  });

  it('keeps a pin valid when the same keys are republished later', () => {
    const practitioner = makeIdentity('dr-x', 'practitioner');
    const pin = pinContact(practitioner.bundle);
    expect(pin.verified).toBe(false);
    const republished = verifyPublicBundle(signPublicBundle(practitioner.secrets, { accountId: 'dr-x', role: 'practitioner', createdAt: 2_000_000_000_000 }));
    checkPinned(pin, republished);
  });

  it('encodes and decodes pins strictly', () => {
    const pin = pinContact(makeIdentity('dr-x').bundle, { verified: true });
    const bytes = encodePin(pin);
    expect(decodePin(bytes)).toEqual(pin);
    const badFlag = bytes.slice();
    badFlag[bytes.length - 1] = 2;
    expectCode(() => decodePin(badFlag), 'FORMAT_INVALID');
    const badVersion = bytes.slice();
    badVersion[1] = 2;
    expectCode(() => decodePin(badVersion), 'VERSION_UNSUPPORTED');
    expectCode(() => decodePin(bytes.subarray(0, bytes.length - 1)), 'FORMAT_INVALID');
  });

  it('does not depend on anything but the keys', () => {
    const secrets = generateIdentity();
    const a = verifyPublicBundle(signPublicBundle(secrets, { accountId: 'a', role: 'patient', createdAt: 1 }));
    const b = verifyPublicBundle(signPublicBundle(secrets, { accountId: 'b', role: 'vault', createdAt: 2 }));
    expect(fingerprintNumber(a)).toBe(fingerprintNumber(b));
  });
});
