// age Bech32 keys (crypto/age/keys.ts), checked against the examples of C2SP age.md.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  formatIdentity,
  formatRecipient,
  generateHybridIdentity,
  generateX25519Identity,
  identityToRecipient,
  parseIdentity,
  parseRecipient,
} from '../../crypto/age/keys.ts';
import { isCryptoError } from '../../crypto/errors.ts';

// C2SP age.md, "The X25519 recipient type" and "The MLKEM768-X25519 … recipient type".
const SPEC_X25519_IDENTITY = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
const SPEC_X25519_RECIPIENT = 'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj';
const SPEC_HYBRID_IDENTITY = 'AGE-SECRET-KEY-PQ-1XX76JRALNLXDMEW0CRK45QMCCH4X06SE84UN3VPM33W6HWDX0H3SK3ZQFR';
// The spec's 1959-character hybrid recipient, by its SHA-256 (it begins "age1pq1x34nzsvr0rxjsgdn8zgy").
const SPEC_HYBRID_RECIPIENT_SHA256 = 'a091dd7e0ee9d62b75173dcc98441a0424baa941e66a8776e570a4ae60ff61ea';

const keyInvalid = (run: () => unknown): boolean => {
  try {
    run();
    return false;
  } catch (error) {
    return isCryptoError(error, 'KEY_INVALID');
  }
};

describe('age keys', () => {
  it('derives the spec example recipients', () => {
    expect(identityToRecipient(SPEC_X25519_IDENTITY)).toBe(SPEC_X25519_RECIPIENT);
    const hybrid = identityToRecipient(SPEC_HYBRID_IDENTITY);
    expect(hybrid).toHaveLength(1959);
    expect(hybrid.startsWith('age1pq1x34nzsvr0rxjsgdn8zgy')).toBe(true);
    expect(createHash('sha256').update(hybrid).digest('hex')).toBe(SPEC_HYBRID_RECIPIENT_SHA256);
  });

  it('formats what it parses, identities upper case and recipients lower case', () => {
    for (const text of [SPEC_X25519_IDENTITY, SPEC_HYBRID_IDENTITY, generateX25519Identity(), generateHybridIdentity()]) {
      expect(formatIdentity(parseIdentity(text))).toBe(text);
      expect(formatIdentity(parseIdentity(text.toLowerCase()))).toBe(text);
      const recipient = identityToRecipient(text);
      expect(formatRecipient(parseRecipient(recipient))).toBe(recipient);
      expect(parseRecipient(recipient.toUpperCase())).toEqual(parseRecipient(recipient));
    }
  });

  it('generates distinct identities of the right kind', () => {
    expect(generateX25519Identity()).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect(generateHybridIdentity()).toMatch(/^AGE-SECRET-KEY-PQ-1[0-9A-Z]{58}$/);
    expect(generateX25519Identity()).not.toBe(generateX25519Identity());
  });

  it('ATK-35 refuses bad checksums, mixed case, wrong prefixes and lengths (KEY_INVALID)', () => {
    const flipped = `${SPEC_X25519_RECIPIENT.slice(0, -1)}${SPEC_X25519_RECIPIENT.endsWith('q') ? 'p' : 'q'}`;
    const bad = [
      flipped,
      `${SPEC_X25519_RECIPIENT.slice(0, 10).toUpperCase()}${SPEC_X25519_RECIPIENT.slice(10)}`,
      SPEC_X25519_IDENTITY.replace('AGE-SECRET-KEY-', 'AGE-SECRET-KEX-'),
      '',
      'age1',
      'x'.repeat(5000),
    ];
    for (const text of bad) {
      expect(keyInvalid(() => parseRecipient(text)), text).toBe(true);
      expect(keyInvalid(() => parseIdentity(text)), text).toBe(true);
    }
    // An identity is not a recipient and vice versa.
    expect(keyInvalid(() => parseRecipient(SPEC_X25519_IDENTITY))).toBe(true);
    expect(keyInvalid(() => parseIdentity(SPEC_X25519_RECIPIENT))).toBe(true);
  });

  it('refuses keys of the wrong length when formatting (RangeError: caller misuse)', () => {
    expect(() => formatIdentity({ type: 'X25519', secretKey: new Uint8Array(31) })).toThrow(RangeError);
    expect(() => formatRecipient({ type: 'mlkem768x25519', publicKey: new Uint8Array(32) })).toThrow(RangeError);
  });
});
