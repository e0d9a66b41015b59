// Output cross-checks run before any timing (STYLE.md 12): a row is printed only for code whose output an
// independent implementation accepted. A failed check throws BenchCheckError; run.ts reports it and exits 1.

import { createSecretKey, randomBytes } from 'node:crypto';
import { decryptAgeBytes, encryptAgeBytes, parseIdentity, parseRecipient } from '../../crypto/age/index.ts';
import { encryptStreamBytes } from '../../crypto/stream.ts';
import { AGE_BIN, ageDecryptBytes, readIdentity, run, type AgeFixture } from './age-cli.ts';
import { streamNonce } from './baselines.ts';
import { decipherContext } from './openssl.ts';
import { NOBLE_CHACHA, WEBCRYPTO_AES, type AeadChoice } from './payload-codec.ts';

export class BenchCheckError extends Error {
  override readonly name = 'BenchCheckError';
}

export function assertEqualBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (actual.length !== expected.length) throw new BenchCheckError(`cross-check failed (length): ${what}`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) throw new BenchCheckError(`cross-check failed (byte ${i}): ${what}`);
  }
}

export function assertTrue(condition: boolean, what: string): void {
  if (!condition) throw new BenchCheckError(`cross-check failed: ${what}`);
}

/** A STREAM decoder written from age.md with node:crypto alone, sharing no code with crypto/stream.ts. */
export function opensslOpenStream(cipher: 'chacha20-poly1305' | 'aes-256-gcm', key: Uint8Array, sealed: Uint8Array): Uint8Array {
  const sealedChunk = 64 * 1024 + 16;
  const count = Math.max(1, Math.ceil(sealed.length / sealedChunk));
  const secret = createSecretKey(key);
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const chunk = sealed.subarray(i * sealedChunk, (i + 1) * sealedChunk);
    const context = decipherContext(cipher, secret, streamNonce(i, i === count - 1));
    context.setAuthTag(chunk.subarray(chunk.length - 16));
    parts.push(context.update(chunk.subarray(0, chunk.length - 16)), context.final());
  }
  return new Uint8Array(Buffer.concat(parts));
}

async function checkStream(aead: AeadChoice, cipher: 'chacha20-poly1305' | 'aes-256-gcm'): Promise<void> {
  const key = new Uint8Array(randomBytes(32));
  const data = new Uint8Array(randomBytes(3 * 64 * 1024 + 1234));
  const sealed = await encryptStreamBytes(aead.make(key), data);
  const what = `STREAM with ${aead.label} opened by node:crypto`;
  let opened: Uint8Array;
  try {
    opened = opensslOpenStream(cipher, key, sealed);
  } catch (error) {
    throw new BenchCheckError(`cross-check failed (OpenSSL refused a tag): ${what}`, { cause: error });
  }
  assertEqualBytes(opened, data, what);
}

/** crypto/stream.ts with our ChunkAeads produces what an OpenSSL STREAM decoder opens. */
export async function checkStreamAgainstOpenssl(): Promise<void> {
  await checkStream(NOBLE_CHACHA, 'chacha20-poly1305');
  await checkStream(WEBCRYPTO_AES, 'aes-256-gcm');
}

/** Our age files open with the age CLI, and the CLI's files open with our decryptor (X25519 recipient). */
export async function checkAgeAgainstCli(fixture: AgeFixture | undefined): Promise<void> {
  if (fixture === undefined) return;
  const data = new Uint8Array(randomBytes(2 * 64 * 1024 + 999));
  const ours = await encryptAgeBytes(data, [parseRecipient(fixture.recipient)]);
  assertEqualBytes(await ageDecryptBytes(fixture, ours), data, 'our age file opened by the age CLI');
  const theirs = await run(AGE_BIN, ['-r', fixture.recipient], true, data);
  assertTrue(theirs.code === 0, 'age CLI encrypts from stdin');
  const opened = await decryptAgeBytes(new Uint8Array(theirs.stdout), [parseIdentity(readIdentity(fixture))]);
  assertEqualBytes(opened, data, 'an age CLI file opened by our decryptor');
}
