// createSha256 (the upload's payload hash, fed range by range) on both implementation paths: equal to
// node:crypto's SHA-256 of the whole input (an independent implementation), whatever the split, and to
// the FIPS 180-2 "abc" vector.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createSha256 } from '../../crypto/primitives.ts';
import { IMPLEMENTATIONS, restoreDefaultImplementation, useImplementation } from '../vectors/implementations.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe.each(IMPLEMENTATIONS)('createSha256 (%s)', (implementation) => {
  afterAll(restoreDefaultImplementation);

  it('gives the FIPS 180-2 digest of "abc"', async () => {
    await useImplementation(implementation);
    const hasher = createSha256();
    hasher.update(new TextEncoder().encode('abc'));
    expect(hex(hasher.digest())).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it.each([0, 1, 63, 64, 65, 1000, 300_000])('hashes %i bytes in uneven pieces like node:crypto does at once', async (length) => {
    await useImplementation(implementation);
    const data = new Uint8Array(randomBytes(length));
    const hasher = createSha256();
    for (let offset = 0, step = 1; offset < length; offset += step, step = step * 3 + 1) hasher.update(data.subarray(offset, offset + step));
    expect(hex(hasher.digest())).toBe(createHash('sha256').update(data).digest('hex'));
  });
});
