// The server alters the encrypted payload it streams back (ATK-07 to ATK-10, ATK-26): bits flipped, chunks
// reordered, duplicated, dropped, the stream cut or extended. downloadDocument streams: the decryptor
// releases a chunk only once its tag verified, in order, and the whole stream ends in an error, so a
// consumer receives at most the chunks verified before the bad one, and never a "complete" document.
// Errors: the decryptor's own (DECRYPTION_FAILED, STREAM_TRAILING_DATA, VERSION_UNSUPPORTED) when it sees the
// fault first, else the signed payload hash checked when the bytes end (MANIFEST_MISMATCH).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadDocument } from '../../client/core/documents.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { DOCUMENT_HEADER_BYTES, LENGTH_PREFIX_BYTES } from '../../crypto/document.ts';
import { CHUNK_SIZE, SEALED_CHUNK_SIZE } from '../../crypto/stream.ts';
import { concat, editBytes, flipBit, partialContent, type Mutation } from './tamper.ts';
import { content, drain, failureCode, newPerson, onlyReads, openWorld, uploadHonestly, type Person, type World } from './world.ts';

const PAYLOAD = /\/documents\/[^/]+\/versions\/\d+\/payload$/;
/** 12 chunks: more than the 8 the decryptor keeps in flight, so a fault deep in the stream surfaces mid-way. */
const LARGE = content(11 * CHUNK_SIZE + 1234, 7);
const SMALL = content(300, 8);

let world: World;
let alice: Person;
const state: VaultState = {};
let large: string;
let small: string;

beforeAll(async () => {
  world = await openWorld();
  alice = await newPerson(world, 'alice@example.org');
  large = await uploadHonestly(world, alice, state, LARGE);
  small = await uploadHonestly(world, alice, state, SMALL);
});

afterAll(() => world.close());
beforeEach(() => { world.tamper.reset(); });

/** Where sealed chunk `index` starts in the payload blob. */
function chunkAt(index: number): number {
  return DOCUMENT_HEADER_BYTES + index * SEALED_CHUNK_SIZE;
}

/** Document bytes released once chunks 0..count-1 verified (chunk 0 also holds the 8-byte length). */
function releasedAfter(count: number, plaintext: Uint8Array): number {
  return count === 0 ? 0 : Math.min(count * CHUNK_SIZE - LENGTH_PREFIX_BYTES, plaintext.length);
}

/**
 * Downloads `documentId` through `mutation` and returns what the stream released and its error code, after
 * checking that the mutation applied, that the client only read, and that whatever was released is the
 * plaintext of chunks before `firstBadChunk` only (an exact prefix ending at a chunk boundary).
 */
async function attack(documentId: string, plaintext: Uint8Array, mutation: Mutation, firstBadChunk: number): Promise<string> {
  world.tamper.use(mutation);
  const download = await downloadDocument(world.api(alice), alice.account, state, documentId);
  const { released, code } = await drain(download.stream);
  expect(world.tamper.fired).toEqual([mutation.name]);
  expect(onlyReads(world.tamper.calls())).toBe(true);
  const allowed = Array.from({ length: firstBadChunk + 1 }, (_, count) => releasedAfter(count, plaintext));
  expect(allowed).toContain(released.length);
  expect(released.length).toBeLessThan(plaintext.length);
  expect(Buffer.from(released).equals(Buffer.from(plaintext.subarray(0, released.length)))).toBe(true);
  return code;
}

/** Worker-side consumer: Response.blob() as client/worker/crypto-worker.ts does; null when it rejects. */
async function asBlob(documentId: string, mutation: Mutation): Promise<Blob | null> {
  world.tamper.use(mutation);
  const download = await downloadDocument(world.api(alice), alice.account, state, documentId);
  return new Response(download.stream).blob().catch(() => null);
}

describe('payload tampering', () => {
  it('serves both documents intact when nothing is altered (control)', async () => {
    for (const [documentId, plaintext] of [[large, LARGE], [small, SMALL]] as const) {
      const download = await downloadDocument(world.api(alice), alice.account, state, documentId);
      const { released, code } = await drain(download.stream);
      expect(code).toBe('(closed)');
      expect(Buffer.from(released).equals(Buffer.from(plaintext))).toBe(true);
    }
  });

  it('ATK-07 flips a bit in the first chunk: DECRYPTION_FAILED, nothing released', async () => {
    expect(await attack(large, LARGE, editBytes('flip chunk 0', PAYLOAD, (bytes) => flipBit(bytes, chunkAt(0) + 100)), 0)).toBe('DECRYPTION_FAILED');
  });

  it('ATK-07 flips a bit in a middle chunk: DECRYPTION_FAILED, only chunks before it released', async () => {
    expect(await attack(large, LARGE, editBytes('flip chunk 3', PAYLOAD, (bytes) => flipBit(bytes, chunkAt(3) + 7, 5)), 3)).toBe('DECRYPTION_FAILED');
  });

  // The last chunks are still in flight when the bytes end: the signed payload hash reports the fault first.
  it('ATK-07 flips a bit in the tag of the final chunk: MANIFEST_MISMATCH, the document never completes', async () => {
    expect(await attack(large, LARGE, editBytes('flip last tag', PAYLOAD, (bytes) => flipBit(bytes, -1, 7)), 11)).toBe('MANIFEST_MISMATCH');
  });

  it('ATK-07 flips a bit in the salt of the payload header: the derived key differs, nothing released', async () => {
    expect(await attack(large, LARGE, editBytes('flip salt', PAYLOAD, (bytes) => flipBit(bytes, DOCUMENT_HEADER_BYTES - 1)), 0)).toBe('DECRYPTION_FAILED');
  });

  it('ATK-07 flips a bit in a one-chunk document: MANIFEST_MISMATCH, nothing released', async () => {
    expect(await attack(small, SMALL, editBytes('flip small', PAYLOAD, (bytes) => flipBit(bytes, DOCUMENT_HEADER_BYTES + 20)), 0)).toBe('MANIFEST_MISMATCH');
  });

  it('ATK-07 a flipped bit never reaches the Worker: Response.blob() rejects, no Blob is made', async () => {
    expect(await asBlob(small, editBytes('flip small', PAYLOAD, (bytes) => flipBit(bytes, -3)))).toBeNull();
    expect(await asBlob(large, editBytes('flip chunk 5', PAYLOAD, (bytes) => flipBit(bytes, chunkAt(5))))).toBeNull();
  });

  it('ATK-08 swaps two chunks: DECRYPTION_FAILED at the first one out of place', async () => {
    const swap = editBytes('swap chunks 1 and 2', PAYLOAD, (bytes) => concat(
      bytes.subarray(0, chunkAt(1)), bytes.subarray(chunkAt(2), chunkAt(3)), bytes.subarray(chunkAt(1), chunkAt(2)), bytes.subarray(chunkAt(3)),
    ));
    expect(await attack(large, LARGE, swap, 1)).toBe('DECRYPTION_FAILED');
  });

  it('ATK-08 duplicates a chunk in place of the next: DECRYPTION_FAILED', async () => {
    const duplicate = editBytes('chunk 1 twice', PAYLOAD, (bytes) => concat(bytes.subarray(0, chunkAt(2)), bytes.subarray(chunkAt(1), chunkAt(2)), bytes.subarray(chunkAt(3))));
    expect(await attack(large, LARGE, duplicate, 2)).toBe('DECRYPTION_FAILED');
  });

  it('ATK-08 drops a chunk: DECRYPTION_FAILED at the gap', async () => {
    const drop = editBytes('drop chunk 2', PAYLOAD, (bytes) => concat(bytes.subarray(0, chunkAt(2)), bytes.subarray(chunkAt(3))));
    expect(await attack(large, LARGE, drop, 2)).toBe('DECRYPTION_FAILED');
  });

  it('ATK-08 moves the final chunk to the front: DECRYPTION_FAILED, nothing released', async () => {
    const rotate = editBytes('final chunk first', PAYLOAD, (bytes) => concat(bytes.subarray(0, chunkAt(0)), bytes.subarray(chunkAt(11)), bytes.subarray(chunkAt(0), chunkAt(11))));
    expect(await attack(large, LARGE, rotate, 0)).toBe('DECRYPTION_FAILED');
  });

  it('ATK-09 cuts the payload at a chunk boundary: MANIFEST_MISMATCH, the document never completes', async () => {
    expect(await attack(large, LARGE, editBytes('cut after chunk 6', PAYLOAD, (bytes) => bytes.slice(0, chunkAt(7))), 7)).toBe('MANIFEST_MISMATCH');
  });

  it('ATK-09 answers 206 Partial Content with the first chunks only to a whole-file request: BAD_RESPONSE before any byte', async () => {
    world.tamper.use(partialContent('206 for chunks 0-2', PAYLOAD, 0, chunkAt(3) - 1));
    expect(await failureCode(downloadDocument(world.api(alice), alice.account, state, large))).toBe('BAD_RESPONSE');
    expect(world.tamper.fired).toEqual(['206 for chunks 0-2']);
  });

  it('ATK-09 serves the header alone, or nothing at all: MANIFEST_MISMATCH, nothing released', async () => {
    expect(await attack(small, SMALL, editBytes('header only', PAYLOAD, (bytes) => bytes.slice(0, DOCUMENT_HEADER_BYTES)), 0)).toBe('MANIFEST_MISMATCH');
    expect(await attack(small, SMALL, editBytes('empty body', PAYLOAD, () => new Uint8Array(0)), 0)).toBe('MANIFEST_MISMATCH');
  });

  it('ATK-10 appends one byte after the final chunk: STREAM_TRAILING_DATA', async () => {
    expect(await attack(small, SMALL, editBytes('one more byte', PAYLOAD, (bytes) => concat(bytes, Uint8Array.of(0))), 0)).toBe('STREAM_TRAILING_DATA');
  });

  it('ATK-10 appends a second final chunk: STREAM_TRAILING_DATA', async () => {
    const twice = editBytes('final chunk twice', PAYLOAD, (bytes) => concat(bytes, bytes.subarray(chunkAt(11))));
    expect(await attack(large, LARGE, twice, 11)).toBe('STREAM_TRAILING_DATA');
  });

  it('ATK-26 labels the payload with an unknown or legacy format version: VERSION_UNSUPPORTED, nothing released', async () => {
    for (const version of [0, 2, 255]) {
      const relabel = editBytes(`format version ${String(version)}`, PAYLOAD, (bytes) => { bytes[4] = version; return bytes; });
      expect(await attack(small, SMALL, relabel, 0)).toBe('VERSION_UNSUPPORTED');
    }
  });

  it('ATK-26 labels the payload with an algorithm id off the allowlist: VERSION_UNSUPPORTED', async () => {
    for (const algorithm of [0x00, 0x03, 0x7f]) {
      const relabel = editBytes(`algorithm ${String(algorithm)}`, PAYLOAD, (bytes) => { bytes[5] = algorithm; return bytes; });
      expect(await attack(large, LARGE, relabel, 0)).toBe('VERSION_UNSUPPORTED');
    }
  });
});
