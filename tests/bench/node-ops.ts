// Key and signature operations in Node: grant wraps (symmetric, per shared document), hybrid envelope
// wraps (X25519 + ML-KEM-768, per recipient), Ed25519 verification (raw and on document manifests) and
// Argon2id. Each is cross-checked (round trip, tampered input refused, or node:crypto agreement) first.

import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { hybridPublicKey, unwrapHybrid, wrapHybrid } from '../../crypto/age/hybrid.ts';
import {
  envelopeOpener, generateGrantKey, openEnvelope, openGrantWrap, sealEnvelope, wrapForGrant, wrapManyForGrant, type DocumentVersionRef,
} from '../../crypto/envelope.ts';
import { kemPublicKey } from '../../crypto/envelope-kem.ts';
import { ed25519Keygen, initPrimitives, randomBytes } from '../../crypto/primitives.ts';
import { benchArgon2 } from './argon2-ops.ts';
import { CONFIG } from './config.ts';
import { assertEqualBytes, assertTrue } from './crosscheck.ts';
import { benchManifests } from './manifest-ops.ts';
import { benchVerify } from './signature-ops.ts';
import type { Results } from './table.ts';
import { opsPerSecond } from './timing.ts';
import { BASE_ED25519, addVerifyRows } from './verify-rows.ts';

const SECTION = 'Node keys and signatures';

function refFor(i: number): DocumentVersionRef {
  return { vaultId: 'vault-bench', documentId: `document-${i}`, version: 1 };
}

function throws(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
}

function nodeEd25519Baseline(results: Results): void {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const items = Array.from({ length: CONFIG.verifications }, () => {
    const message = randomBytes(220);
    return { message, signature: sign(null, message, privateKey) };
  });
  const t0 = performance.now();
  const allValid = items.every((item) => verify(null, item.message, publicKey, item.signature));
  const ms = performance.now() - t0;
  assertTrue(allValid, 'node:crypto Ed25519 verifies its own signatures');
  results.baseline(BASE_ED25519, { section: 'baseline (Node)', operation: 'node:crypto Ed25519 verify', value: opsPerSecond(items.length, ms), unit: 'ops/s' });
}

function grantWrapRows(results: Results): void {
  const grantKey = generateGrantKey();
  const items = Array.from({ length: CONFIG.grantWraps }, (_, i) => ({ ref: refFor(i), fileKey: randomBytes(32) }));
  const probe = wrapManyForGrant(grantKey, 'grant-bench', items.slice(0, 2));
  assertEqualBytes(openGrantWrap(grantKey, 'grant-bench', refFor(1), probe[1]!), items[1]!.fileKey, 'batch grant wrap round trip');
  assertTrue(throws(() => openGrantWrap(grantKey, 'grant-bench', refFor(0), probe[1]!)), 'grant wrap moved to another document is refused');
  let t0 = performance.now();
  items.forEach(({ ref, fileKey }) => wrapForGrant(grantKey, 'grant-bench', ref, fileKey));
  const oneByOne = opsPerSecond(items.length, performance.now() - t0);
  t0 = performance.now();
  wrapManyForGrant(grantKey, 'grant-bench', items);
  const batch = opsPerSecond(items.length, performance.now() - t0);
  const note = `${items.length.toLocaleString('en-US')} wraps, XChaCha20-Poly1305 (noble)`;
  results.add({ section: SECTION, operation: 'grant wrap, one call each (wrapForGrant)', value: oneByOne, unit: 'ops/s', note });
  results.add({ section: SECTION, operation: 'grant wrap, batch (wrapManyForGrant)', value: batch, unit: 'ops/s', note });
  results.add({ section: SECTION, operation: '  time to share 10,000 documents', value: (10_000 / batch) * 1000, unit: 'ms', target: '< 1,000 ms', note: 'batch grant wraps, + one envelope per recipient' });
}

function hybridRows(results: Results): void {
  const seed = randomBytes(32);
  const signerSeed = randomBytes(32);
  const publicKey = hybridPublicKey(seed);
  const fileKey = randomBytes(32);
  const stanza = wrapHybrid(fileKey, publicKey);
  assertEqualBytes(unwrapHybrid(stanza, seed, 32) ?? new Uint8Array(0), fileKey, 'hybrid stanza round trip');
  const envelopeKey = kemPublicKey(seed);
  const envelope = sealEnvelope(fileKey, refFor(0), envelopeKey, signerSeed);
  const signers = [ed25519Keygen(signerSeed).publicKey];
  assertEqualBytes(openEnvelope(envelope, refFor(0), envelopeOpener(seed), signers) ?? new Uint8Array(0), fileKey, 'signed envelope round trip');
  assertTrue(throws(() => openEnvelope(envelope, refFor(1), envelopeOpener(seed), signers)), 'envelope moved to another document is refused');
  let t0 = performance.now();
  for (let i = 0; i < CONFIG.hybridWraps; i++) wrapHybrid(fileKey, publicKey);
  const stanzaRate = opsPerSecond(CONFIG.hybridWraps, performance.now() - t0);
  t0 = performance.now();
  for (let i = 0; i < CONFIG.hybridWraps; i++) sealEnvelope(fileKey, refFor(i), envelopeKey, signerSeed);
  const envelopeRate = opsPerSecond(CONFIG.hybridWraps, performance.now() - t0);
  const note = `${CONFIG.hybridWraps} wraps, noble ML-KEM-768 + X25519`;
  results.add({ section: SECTION, operation: 'hybrid stanza wrap (wrapHybrid, age mlkem768x25519)', value: stanzaRate, unit: 'ops/s', note });
  results.add({ section: SECTION, operation: 'signed hybrid envelope (sealEnvelope)', value: envelopeRate, unit: 'ops/s', note: `${note} + Ed25519 sign` });
}

export async function runNodeOps(results: Results): Promise<void> {
  await initPrimitives();
  nodeEd25519Baseline(results);
  addVerifyRows(results, SECTION, await benchVerify(CONFIG.verifications, CONFIG.nobleVerifications));
  await benchManifests(results, SECTION);
  grantWrapRows(results);
  hybridRows(results);
  const { memoryKiB, passes, runs } = CONFIG.argon2;
  const ms = await benchArgon2(CONFIG.argon2);
  results.add({ section: SECTION, operation: `Argon2id m=${memoryKiB / 1024} MiB t=${passes} p=1 (libsodium-sumo wasm)`, value: ms, unit: 'ms', note: `best of ${runs}` });
}
