// The C2SP CCTV age testkit (../shared/vectors/age-testkit): every vector decrypted through the public
// streaming API with its exact expected outcome, plus the three round trips its README describes.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decryptAge } from '../../crypto/age/age.ts';
import { armorDecode, armorEncode } from '../../crypto/age/armor.ts';
import { encodeHeader, parseHeader } from '../../crypto/age/format.ts';
import { bytesToStream } from '../../crypto/age/io.ts';
import { parseIdentity, type AgeIdentity } from '../../crypto/age/keys.ts';
import { decryptPayloadBytes, encryptPayloadBytes, PAYLOAD_NONCE_BYTES } from '../../crypto/age/payload.ts';
import { isCryptoError, type CryptoErrorCode } from '../../crypto/errors.ts';
import { SHARED_VECTORS } from '../paths.ts';

const DIR = join(SHARED_VECTORS, 'age-testkit', 'testdata');
const KNOWN_KEYS = new Set(['expect', 'payload', 'file key', 'identity', 'passphrase', 'armored', 'compressed', 'comment']);

type Expect = 'success' | 'no match' | 'HMAC failure' | 'header failure' | 'payload failure' | 'armor failure';

interface Vector {
  name: string;
  expect: Expect;
  payload?: string;
  fileKey?: Uint8Array;
  identities: AgeIdentity[];
  armored: boolean;
  body: Uint8Array;
}

function loadVector(name: string): Vector {
  const raw = readFileSync(join(DIR, name));
  const split = raw.indexOf('\n\n');
  const fields = new Map<string, string[]>();
  for (const line of raw.subarray(0, split).toString('utf8').split('\n')) {
    const at = line.indexOf(': ');
    const key = line.slice(0, at);
    if (!KNOWN_KEYS.has(key)) throw new Error(`${name}: unknown key ${key}`);
    fields.set(key, [...(fields.get(key) ?? []), line.slice(at + 2)]);
  }
  const one = (key: string): string | undefined => fields.get(key)?.[0];
  const rawBody = raw.subarray(split + 2);
  const identities: AgeIdentity[] = [
    ...(fields.get('identity') ?? []).map((text) => parseIdentity(text)),
    ...(fields.get('passphrase') ?? []).map((passphrase) => ({ type: 'scrypt' as const, passphrase })),
  ];
  const fileKey = one('file key');
  return {
    name,
    expect: one('expect') as Expect,
    payload: one('payload'),
    fileKey: fileKey === undefined ? undefined : Buffer.from(fileKey, 'hex'),
    identities,
    armored: one('armored') === 'yes',
    body: new Uint8Array(one('compressed') === 'zlib' ? inflateSync(rawBody) : rawBody),
  };
}

const vectors = readdirSync(DIR).sort().map(loadVector);

// Each outcome has its own error codes, so a parse error can never pass for a MAC or payload error.
const CODES: Record<Exclude<Expect, 'success'>, readonly CryptoErrorCode[]> = {
  'no match': ['NO_MATCH'],
  'HMAC failure': ['HEADER_MAC_INVALID'],
  'header failure': ['FORMAT_INVALID', 'VERSION_UNSUPPORTED', 'KEY_INVALID'],
  'payload failure': ['DECRYPTION_FAILED', 'STREAM_TRUNCATED', 'STREAM_TRAILING_DATA'],
  'armor failure': ['ARMOR_INVALID'],
};

// The exact code where more than one is possible for an outcome.
function exactCode(vector: Vector): CryptoErrorCode | undefined {
  if (vector.name === 'version_unsupported') return 'VERSION_UNSUPPORTED';
  if (/^(x25519|hybrid)_(low_order|identity)$/.test(vector.name)) return 'KEY_INVALID';
  if (vector.expect === 'header failure') return 'FORMAT_INVALID';
  // Cut at a chunk boundary: no final chunk at all.
  if (/^stream_(no_chunks|no_final_full|no_final_two_chunks_full)$/.test(vector.name)) return 'STREAM_TRUNCATED';
  // A valid final chunk, then more bytes.
  if (/^(armor_garbage_encoded|stream_trailing_garbage_.*|stream_two_final_chunks(_full|_second)?)$/.test(vector.name)) {
    return 'STREAM_TRAILING_DATA';
  }
  if (vector.expect === 'payload failure') return 'DECRYPTION_FAILED';
  return vector.expect === 'success' ? undefined : CODES[vector.expect][0];
}

interface Outcome {
  error: unknown;
  released: Uint8Array;
}

// Odd input chunk sizes, so header, nonce, chunk and armor-line boundaries fall everywhere.
async function decrypt(vector: Vector, chunkSize: number): Promise<Outcome> {
  const parts: Uint8Array[] = [];
  try {
    const plaintext = await decryptAge(bytesToStream(vector.body, chunkSize), vector.identities, { armor: vector.armored });
    const reader = plaintext.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
    }
    return { error: undefined, released: Buffer.concat(parts) };
  } catch (error) {
    return { error, released: Buffer.concat(parts) };
  }
}

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('age testkit (C2SP CCTV)', () => {
  it('has the 143 vectors and outcome counts the README lists', () => {
    expect(vectors).toHaveLength(143);
    const counts: Record<string, number> = {};
    for (const vector of vectors) counts[vector.expect] = (counts[vector.expect] ?? 0) + 1;
    expect(counts).toEqual({
      'header failure': 62,
      success: 26,
      'armor failure': 22,
      'payload failure': 19,
      'no match': 13,
      'HMAC failure': 1,
    });
  });

  let ran = 0;
  it.each(vectors.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
    const outcome = await decrypt(vector, vector.name.length * 997 + 13);
    ran++;
    if (vector.expect === 'success') {
      expect(outcome.error).toBeUndefined();
    } else {
      expect(isCryptoError(outcome.error), String(outcome.error)).toBe(true);
      const code = (outcome.error as { code: CryptoErrorCode }).code;
      expect(CODES[vector.expect]).toContain(code);
      expect(code).toBe(exactCode(vector));
    }
    if (vector.payload !== undefined) expect(sha256Hex(outcome.released)).toBe(vector.payload);
    else expect(outcome.released).toHaveLength(0);
  });

  it('ran every vector', () => {
    expect(ran).toBe(143);
  });
});

describe('age testkit round trips', () => {
  const armorOk = vectors.filter((v) => v.armored && v.expect !== 'armor failure');
  const headerOk = vectors.filter((v) => v.expect !== 'header failure' && v.expect !== 'armor failure');
  const success = vectors.filter((v) => v.expect === 'success');

  it('armor decode -> encode gives the input back, up to CRLF and surrounding whitespace', () => {
    for (const vector of armorOk) {
      const text = Buffer.from(vector.body).toString('latin1');
      const canonical = `${text.trim().replace(/\r\n/g, '\n')}\n`;
      expect(armorEncode(armorDecode(vector.body)), vector.name).toBe(canonical);
    }
    expect(armorOk).toHaveLength(11);
  });

  it('header decode -> encode gives the same bytes', () => {
    for (const vector of headerOk) {
      const file = vector.armored ? armorDecode(vector.body) : vector.body;
      const parsed = parseHeader(file);
      expect(parsed, vector.name).not.toBeNull();
      expect(Buffer.from(encodeHeader(parsed!.header)).equals(file.subarray(0, parsed!.length)), vector.name).toBe(true);
    }
    expect(headerOk).toHaveLength(59);
  });

  it('STREAM decrypt -> encrypt with the file key gives the same payload', async () => {
    for (const vector of success) {
      const file = vector.armored ? armorDecode(vector.body) : vector.body;
      const { length } = parseHeader(file)!;
      const nonce = file.slice(length, length + PAYLOAD_NONCE_BYTES);
      const sealed = file.subarray(length + PAYLOAD_NONCE_BYTES);
      const plaintext = await decryptPayloadBytes(vector.fileKey!, nonce, sealed);
      expect(sha256Hex(plaintext), vector.name).toBe(vector.payload);
      expect(Buffer.from(await encryptPayloadBytes(vector.fileKey!, nonce, plaintext)).equals(sealed), vector.name).toBe(true);
    }
    expect(success).toHaveLength(26);
  });
});
