// The age header and stanza parser (crypto/age/format.ts): canonical encoding and every "MUST reject" of
// crypto/SPEC.md (age) that the testkit does not already name.
import { codeOf } from '../error-code.ts';
import { describe, expect, it } from 'vitest';
import type { CryptoErrorCode } from '../../crypto/errors.ts';
import {
  computeHeaderMac,
  decodeStanza,
  encodeHeader,
  encodeHeaderNoMac,
  encodeStanza,
  MAX_HEADER_BYTES,
  parseHeader,
  type Stanza,
} from '../../crypto/age/format.ts';

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const MAC = 'A'.repeat(43);

describe('age header', () => {
  const stanza: Stanza = { type: 'X25519', args: ['arg'], body: new Uint8Array(50).fill(7) };

  it('encodes canonically and parses back to the same bytes', () => {
    const mac = new Uint8Array(32).fill(1);
    const bytes = encodeHeader({ stanzas: [stanza], mac });
    const parsed = parseHeader(bytes)!;
    expect(parsed.length).toBe(bytes.length);
    expect(parsed.header.stanzas).toEqual([stanza]);
    expect(encodeHeader(parsed.header)).toEqual(bytes);
    // The MAC covers everything up to and including "---", not the space after it.
    expect(new TextDecoder().decode(parsed.macInput).endsWith('\n---')).toBe(true);
    expect(parsed.macInput).toEqual(encodeHeaderNoMac([stanza]));
  });

  it('wraps bodies at 48 bytes (64 columns) and ends a multiple of 48 with an empty line', () => {
    expect(encodeStanza({ type: 't', args: [], body: new Uint8Array(0) })).toBe('-> t\n\n');
    const text = encodeStanza({ type: 't', args: [], body: new Uint8Array(96) });
    expect(text.split('\n').map((line) => line.length)).toEqual([4, 64, 64, 0, 0]);
  });

  it('returns null while the header is incomplete, and reads only the header', () => {
    const bytes = encodeHeader({ stanzas: [stanza], mac: new Uint8Array(32) });
    for (let cut = 0; cut < bytes.length; cut++) expect(parseHeader(bytes.subarray(0, cut))).toBeNull();
    const withPayload = new Uint8Array([...bytes, 1, 2, 3]);
    expect(parseHeader(withPayload)!.length).toBe(bytes.length);
  });

  it('computes HMAC-SHA-256 under HKDF(file key, "header")', () => {
    const a = computeHeaderMac(new Uint8Array(16), enc('x'));
    expect(a).toHaveLength(32);
    expect(computeHeaderMac(new Uint8Array(16).fill(1), enc('x'))).not.toEqual(a);
  });

  // Lines of the MUST-reject list; the testkit covers the others (see the spec).
  const rejects: [string, string, CryptoErrorCode][] = [
    ['a header with no stanza', `age-encryption.org/v1\n--- ${MAC}\n`, 'FORMAT_INVALID'],
    ['another age version', `age-encryption.org/v2\n-> a\n\n--- ${MAC}\n`, 'VERSION_UNSUPPORTED'],
    ['a non-age first line', `hello\n`, 'FORMAT_INVALID'],
    ['"->" without a space', `age-encryption.org/v1\n->a\n\n--- ${MAC}\n`, 'FORMAT_INVALID'],
    ['two spaces between arguments', `age-encryption.org/v1\n-> a  b\n\n--- ${MAC}\n`, 'FORMAT_INVALID'],
    ['a trailing space after arguments', `age-encryption.org/v1\n-> a \n\n--- ${MAC}\n`, 'FORMAT_INVALID'],
    ['a non-ASCII argument', `age-encryption.org/v1\n-> é\n\n--- ${MAC}\n`, 'FORMAT_INVALID'],
    ['a tab in a line', `age-encryption.org/v1\n-> a\tb\n\n--- ${MAC}\n`, 'FORMAT_INVALID'],
    ['a short MAC', `age-encryption.org/v1\n-> a\n\n--- ${MAC.slice(1)}\n`, 'FORMAT_INVALID'],
    ['a line that is neither stanza nor MAC', `age-encryption.org/v1\n-> a\n\nhello\n`, 'FORMAT_INVALID'],
  ];
  it.each(rejects)('ATK-35 rejects %s', (_what, text, code) => {
    expect(codeOf(() => parseHeader(enc(text)))).toBe(code);
  });

  it('rejects a header longer than MAX_HEADER_BYTES without reading further', () => {
    const line = `${'A'.repeat(64)}\n`;
    const huge = enc(`age-encryption.org/v1\n-> a\n${line.repeat(MAX_HEADER_BYTES / 65 + 1)}`);
    expect(codeOf(() => parseHeader(huge))).toBe('FORMAT_INVALID');
  });
});

describe('stanza bytes (for envelopes)', () => {
  it('decodeStanza accepts exactly one canonical stanza', () => {
    const stanza: Stanza = { type: 'mlkem768x25519', args: ['x'], body: new Uint8Array(32).fill(9) };
    const bytes = enc(encodeStanza(stanza));
    expect(decodeStanza(bytes)).toEqual(stanza);
    expect(codeOf(() => decodeStanza(new Uint8Array([...bytes, 0x0a])))).toBe('FORMAT_INVALID');
    expect(codeOf(() => decodeStanza(bytes.subarray(0, bytes.length - 1)))).toBe('FORMAT_INVALID');
    expect(codeOf(() => decodeStanza(new Uint8Array(0)))).toBe('FORMAT_INVALID');
  });

  it('encodeStanza refuses arguments age cannot carry (caller misuse: RangeError)', () => {
    for (const bad of ['', 'a b', 'é', 'a\n']) {
      expect(() => encodeStanza({ type: bad, args: [], body: new Uint8Array(0) })).toThrow(RangeError);
      expect(() => encodeStanza({ type: 'a', args: [bad], body: new Uint8Array(0) })).toThrow(RangeError);
    }
  });
});
