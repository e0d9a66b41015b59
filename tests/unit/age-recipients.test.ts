// Stanza-level wrapping (crypto/age/recipients.ts, x25519.ts, hybrid.ts, scrypt.ts): unwrap returns the key,
// null when nothing is for this identity, and throws only for a bad stanza addressed to it.
import { codeOf } from '../error-code.ts';
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hybridPublicKey, unwrapHybrid, wrapHybrid } from '../../crypto/age/hybrid.ts';
import { formatIdentity, generateHybridIdentity, generateX25519Identity, identityToRecipient, parseIdentity, parseRecipient } from '../../crypto/age/keys.ts';
import { unwrapFileKey, wrapFileKey } from '../../crypto/age/recipients.ts';
import { unwrapScrypt, wrapScrypt } from '../../crypto/age/scrypt.ts';
import { unwrapX25519 } from '../../crypto/age/x25519.ts';
import { SHARED_VECTORS } from '../paths.ts';

const randomBytes = (length: number): Uint8Array => new Uint8Array(nodeRandomBytes(length));

const x25519Id = parseIdentity(generateX25519Identity());
const hybridText = generateHybridIdentity();
const hybridId = parseIdentity(hybridText);
const hybridRecipient = parseRecipient(identityToRecipient(hybridText));
if (x25519Id.type !== 'X25519' || hybridId.type !== 'mlkem768x25519') throw new Error('unexpected identity types');
const secretKey = x25519Id.secretKey;
const seed = hybridId.seed;

describe('wrapFileKey / unwrapFileKey', () => {
  it('round-trips for every recipient type, and finds its stanza among others', () => {
    const fileKey = randomBytes(16);
    const x25519Recipient = parseRecipient(identityToRecipient(generateX25519Identity()));
    expect(unwrapFileKey([wrapFileKey(fileKey, x25519Recipient), wrapFileKey(fileKey, hybridRecipient)], hybridId)).toEqual(fileKey);
    const scrypt = wrapFileKey(fileKey, { type: 'scrypt', passphrase: 'pw', workFactor: 4 });
    expect(unwrapFileKey([scrypt], { type: 'scrypt', passphrase: 'pw' })).toEqual(fileKey);
    expect(unwrapFileKey([scrypt], { type: 'scrypt', passphrase: 'other' })).toBeNull();
    expect(unwrapFileKey([wrapFileKey(fileKey, x25519Recipient)], x25519Id)).toBeNull();
    const mine = parseRecipient(identityToRecipient(formatIdentity(x25519Id)));
    expect(unwrapFileKey([wrapFileKey(fileKey, x25519Recipient), wrapFileKey(fileKey, mine)], x25519Id)).toEqual(fileKey);
  });

  it('returns null when nothing is addressed to the identity (other types, other keys)', () => {
    const stanzas = [wrapFileKey(randomBytes(16), hybridRecipient), { type: 'example.com/grease', args: ['x'], body: new Uint8Array(3) }];
    expect(unwrapFileKey(stanzas, x25519Id)).toBeNull();
    expect(unwrapFileKey(stanzas, parseIdentity(generateHybridIdentity()))).toBeNull();
  });

  it('refuses a file key that is not 16 bytes (caller misuse)', () => {
    expect(() => wrapFileKey(new Uint8Array(32), hybridRecipient)).toThrow(RangeError);
  });
});

describe('hybrid stanzas for envelopes (H4)', () => {
  it('wrap 16- and 32-byte keys; unwrap checks the expected length first', () => {
    const grantKey = randomBytes(32);
    const stanza = wrapHybrid(grantKey, hybridPublicKey(seed));
    expect(unwrapHybrid(stanza, seed, 32)).toEqual(grantKey);
    expect(codeOf(() => unwrapHybrid(stanza, seed))).toBe('FORMAT_INVALID');
    expect(unwrapHybrid(stanza, randomBytes(32), 32)).toBeNull();
    expect(() => wrapHybrid(new Uint8Array(15), hybridRecipient.publicKey)).toThrow(RangeError);
    expect(() => wrapHybrid(new Uint8Array(65), hybridRecipient.publicKey)).toThrow(RangeError);
  });

  it('ATK-35 refuses a recipient whose X25519 half is a low-order point (KEY_INVALID)', () => {
    const publicKey = hybridRecipient.publicKey.slice();
    publicKey.fill(0, 1184);
    expect(codeOf(() => wrapHybrid(randomBytes(16), publicKey))).toBe('KEY_INVALID');
  });

  it('ATK-35 refuses an ML-KEM encapsulation key that fails the modulus check (KEY_INVALID)', () => {
    const publicKey = hybridRecipient.publicKey.slice();
    publicKey.fill(0xff, 0, 3); // first coefficient = 0xfff > q
    expect(codeOf(() => wrapHybrid(randomBytes(16), publicKey))).toBe('KEY_INVALID');
  });
});

describe('X25519 stanzas', () => {
  const wycheproof = JSON.parse(readFileSync(join(SHARED_VECTORS, 'wycheproof', 'x25519_test.json'), 'utf8')) as {
    testGroups: { tests: { public: string; flags: string[] }[] }[];
  };
  const lowOrder = wycheproof.testGroups.flatMap((g) => g.tests).filter((t) => t.flags.includes('ZeroSharedSecret'));

  it('ATK-35 refuses every Wycheproof share that gives an all-zero secret (KEY_INVALID)', () => {
    expect(lowOrder).toHaveLength(31);
    for (const test of lowOrder) {
      const stanza = { type: 'X25519', args: [Buffer.from(test.public, 'hex').toString('base64').replace(/=+$/, '')], body: new Uint8Array(32) };
      expect(codeOf(() => unwrapX25519(stanza, secretKey)), test.public).toBe('KEY_INVALID');
    }
  });

  it('checks argument count, share length and body length before decrypting (FORMAT_INVALID)', () => {
    const good = wrapFileKey(randomBytes(16), parseRecipient(identityToRecipient(generateX25519Identity())));
    expect(unwrapX25519(good, secretKey)).toBeNull();
    expect(codeOf(() => unwrapX25519({ ...good, args: [...good.args, 'x'] }, secretKey))).toBe('FORMAT_INVALID');
    expect(codeOf(() => unwrapX25519({ ...good, args: ['AAAA'] }, secretKey))).toBe('FORMAT_INVALID');
    expect(codeOf(() => unwrapX25519({ ...good, body: good.body.subarray(1) }, secretKey))).toBe('FORMAT_INVALID');
  });
});

describe('scrypt stanzas', () => {
  it('refuse a work factor above the identity maximum before any work', () => {
    const stanza = wrapScrypt(randomBytes(16), { type: 'scrypt', passphrase: 'pw', workFactor: 5 });
    expect(codeOf(() => unwrapScrypt(stanza, { type: 'scrypt', passphrase: 'pw', maxWorkFactor: 4 }))).toBe('FORMAT_INVALID');
    const high = { ...stanza, args: [stanza.args[0]!, '21'] };
    expect(codeOf(() => unwrapScrypt(high, { type: 'scrypt', passphrase: 'pw' }))).toBe('FORMAT_INVALID');
    expect(() => wrapScrypt(randomBytes(16), { type: 'scrypt', passphrase: 'pw', workFactor: 23 })).toThrow(RangeError);
  });

  it('must be alone in the header', () => {
    const fileKey = randomBytes(16);
    const scrypt = wrapScrypt(fileKey, { type: 'scrypt', passphrase: 'pw', workFactor: 4 });
    const other = wrapFileKey(fileKey, hybridRecipient);
    expect(codeOf(() => unwrapFileKey([scrypt, other], { type: 'scrypt', passphrase: 'pw' }))).toBe('FORMAT_INVALID');
  });
});
