// Ed25519 verification throughput through our ed25519Verify (libsodium path and noble path), our batch
// ed25519VerifyManyAsync (WebCrypto behind strict byte checks), and raw WebCrypto Ed25519 as a baseline. No node: import: Node and the Chromium Worker run this same file.

import { ed25519BatchImplementation, ed25519VerifyManyAsync } from '../../crypto/ed25519-batch.ts';
import { ed25519Keygen, ed25519Sign, ed25519Verify, initPrimitives, primitivesImplementation, testOnlyForceNoble } from '../../crypto/primitives.ts';
import { fillRandom } from './streams.ts';

export interface VerifyTimings {
  count: number;
  nobleCount: number;
  /** Wall time to verify `count` signatures (noble: `nobleCount`). */
  libsodiumMs: number;
  nobleMs: number;
  webCryptoMs: number;
  /** ed25519VerifyManyAsync (our batch path) and which engine it used. */
  batchMs: number;
  batchImplementation: string;
}

interface Signed {
  keyIndex: number;
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

const AUTHORS = 10;
const MESSAGE_BYTES = 220; // about the size of a document manifest

/** `count` signatures over distinct messages by 10 authors; the last one is tampered (must not verify). */
function makeSigned(count: number): Signed[] {
  const authors = Array.from({ length: AUTHORS }, () => ed25519Keygen());
  return Array.from({ length: count }, (_, i) => {
    const author = authors[i % AUTHORS]!;
    const message = fillRandom(new Uint8Array(MESSAGE_BYTES));
    const signature = ed25519Sign(author.secretKey, message);
    if (i === count - 1) message[0] = message[0]! ^ 1;
    return { keyIndex: i % AUTHORS, publicKey: author.publicKey, message, signature };
  });
}

function checkResults(results: readonly boolean[], what: string): void {
  const bad = results.findIndex((ok, i) => ok !== (i !== results.length - 1));
  if (bad >= 0) throw new Error(`cross-check failed: ${what} verification result ${bad} is wrong`);
}

function timeOurVerify(items: readonly Signed[], what: string): number {
  const t0 = performance.now();
  const results = items.map((item) => ed25519Verify(item.publicKey, item.message, item.signature));
  const ms = performance.now() - t0;
  checkResults(results, what);
  return ms;
}

async function timeWebCrypto(items: readonly Signed[]): Promise<number> {
  const subtle = globalThis.crypto.subtle;
  const keys = await Promise.all(items.slice(0, AUTHORS).map((item) =>
    subtle.importKey('raw', item.publicKey.slice(), { name: 'Ed25519' }, false, ['verify'])));
  const t0 = performance.now();
  const results = await Promise.all(items.map((item) =>
    subtle.verify({ name: 'Ed25519' }, keys[item.keyIndex]!, item.signature.slice(), item.message.slice())));
  const ms = performance.now() - t0;
  checkResults(results, 'WebCrypto Ed25519');
  return ms;
}

async function timeOurBatch(items: readonly Signed[]): Promise<number> {
  await ed25519VerifyManyAsync(items.slice(-50));
  const t0 = performance.now();
  const results = await ed25519VerifyManyAsync(items);
  const ms = performance.now() - t0;
  checkResults(results, 'ed25519VerifyManyAsync');
  return ms;
}

/** Verifies `count` signatures per library (noble: `nobleCount`, its own tampered last item included). */
export async function benchVerify(count: number, nobleCount: number): Promise<VerifyTimings> {
  await initPrimitives();
  if (primitivesImplementation() !== 'libsodium') throw new Error('libsodium did not load');
  const items = makeSigned(count);
  timeOurVerify(items.slice(-200), 'warm-up');
  const libsodiumMs = timeOurVerify(items, 'libsodium');
  const webCryptoMs = await timeWebCrypto(items);
  const batchMs = await timeOurBatch(items);
  const batchImplementation = await ed25519BatchImplementation();
  testOnlyForceNoble(true);
  try {
    const nobleItems = [...items.slice(0, nobleCount - 1), items[count - 1]!];
    timeOurVerify(nobleItems.slice(-20), 'noble warm-up');
    return { count, nobleCount, libsodiumMs, webCryptoMs, batchMs, batchImplementation, nobleMs: timeOurVerify(nobleItems, 'noble') };
  } finally {
    testOnlyForceNoble(false);
  }
}
