// Property tests (fast-check) for ATK-35 on the age parser: strict, canonical encodings only, and every
// failure a typed CryptoError. The testkit pins the named edge cases; these sweep the space around them.
import { codeOf } from '../error-code.ts';
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptAgeBytes, encryptAgeBytes } from '../../crypto/age/age.ts';
import { armorDecode, armorEncode } from '../../crypto/age/armor.ts';
import { decodeStanza, encodeStanzaBytes, parseHeader, type Stanza } from '../../crypto/age/format.ts';
import { generateX25519Identity, identityToRecipient, parseIdentity, parseRecipient } from '../../crypto/age/keys.ts';
import { unwrapX25519 } from '../../crypto/age/x25519.ts';
import { CryptoError } from '../../crypto/errors.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** Sets unused low bits of the last base64 character (the text must encode a length that is not a multiple of 3). */
function makeNonCanonical(text: string, bits: number): string {
  const unused = text.length % 4 === 2 ? 4 : 2;
  const last = ALPHABET.indexOf(text.at(-1)!);
  const noisy = last | (bits % ((1 << unused) - 1)) + 1;
  return text.slice(0, -1) + ALPHABET[noisy & 63]!;
}

const argument = fc.stringMatching(/^[\x21-\x7e]{1,20}$/);
const stanza = fc.record({ type: argument, args: fc.array(argument, { maxLength: 4 }), body: fc.uint8Array({ maxLength: 200 }) });

describe('ATK-35 age parser properties', () => {
  it('ATK-35 every stanza round-trips and has exactly one encoding', () => {
    fc.assert(
      fc.property(stanza, (s: Stanza) => {
        const bytes = encodeStanzaBytes(s);
        const decoded = decodeStanza(bytes);
        expect(decoded).toEqual(s);
        expect(encodeStanzaBytes(decoded)).toEqual(bytes);
      }),
    );
  });

  it('ATK-35 non-canonical base64 in a stanza body is FORMAT_INVALID', () => {
    const body = fc.uint8Array({ minLength: 1, maxLength: 200 }).filter((b) => b.length % 3 !== 0);
    fc.assert(
      fc.property(body, fc.nat(), (bytes, bits) => {
        const lines = new TextDecoder().decode(encodeStanzaBytes({ type: 't', args: [], body: bytes })).split('\n');
        const last = lines.length - 2; // the final body line (the text ends with LF)
        lines[last] = makeNonCanonical(lines[last]!, bits);
        expect(codeOf(() => decodeStanza(new TextEncoder().encode(lines.join('\n'))))).toBe('FORMAT_INVALID');
      }),
    );
  });

  it('ATK-35 a non-canonical X25519 share is FORMAT_INVALID, before any X25519', () => {
    const secretKey = new Uint8Array(nodeRandomBytes(32));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(), (share, bits) => {
        const arg = makeNonCanonical(Buffer.from(share).toString('base64').replace(/=+$/, ''), bits);
        const s = { type: 'X25519', args: [arg], body: new Uint8Array(32) };
        expect(codeOf(() => unwrapX25519(s, secretKey))).toBe('FORMAT_INVALID');
      }),
    );
  });

  it('ATK-35 arbitrary bytes make the header parser return or throw a CryptoError, nothing else', () => {
    const line = fc.oneof(
      fc.constantFrom('age-encryption.org/v1', '-> X25519', '->', '---', `--- ${'A'.repeat(43)}`, '', 'AAAA', '\r'),
      fc.string({ maxLength: 70, unit: fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)) }),
    );
    const text = fc.array(line, { maxLength: 8 }).map((lines) => new TextEncoder().encode(lines.join('\n')));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), text), (bytes) => {
        try {
          parseHeader(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(CryptoError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('ATK-35 armor: encode then decode is the identity, and random text is only ever ARMOR_INVALID', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 500 }), (bytes) => { expect(armorDecode(armorEncode(bytes))).toEqual(bytes); }));
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const code = codeOf(() => armorDecode(text));
        expect(code).toBe('ARMOR_INVALID');
      }),
    );
  });

  it('ATK-35 any one-character change to a recipient string is KEY_INVALID (Bech32 checksum)', () => {
    const recipient = identityToRecipient(generateX25519Identity());
    fc.assert(
      fc.property(fc.integer({ min: 4, max: recipient.length - 1 }), fc.integer({ min: 1, max: 31 }), (at, shift) => {
        const replaced = BECH32[(BECH32.indexOf(recipient[at]!) + shift) % 32]!;
        const mutated = recipient.slice(0, at) + replaced + recipient.slice(at + 1);
        expect(codeOf(() => parseRecipient(mutated))).toBe('KEY_INVALID');
      }),
    );
  });
});

describe('ATK-07 / ATK-35 tampering with a whole file', () => {
  it('ATK-07 any single-byte change to an age file fails with a typed error and never decrypts', async () => {
    const identityText = generateX25519Identity();
    const plaintext = new Uint8Array(nodeRandomBytes(70_000));
    const file = await encryptAgeBytes(plaintext, [parseRecipient(identityToRecipient(identityText))]);
    const identity = parseIdentity(identityText);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: file.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const tampered = file.slice();
        tampered[at]! ^= xor;
        const outcome = await decryptAgeBytes(tampered, [identity]).then(
          () => 'decrypted',
          (error: unknown) => (error instanceof CryptoError ? error.code : 'untyped'),
        );
        expect(outcome).not.toBe('decrypted');
        expect(outcome).not.toBe('untyped');
      }),
      { numRuns: 150 },
    );
  });
});
