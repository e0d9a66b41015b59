// Measures the key-envelope and manifest paths behind "share 10,000 documents in < 1 s" and "open a vault
// of 10,000 documents in < 2 s": grant wraps (symmetric only), document manifest verification (Ed25519
// through ed25519Verify, libsodium and noble paths; and the listed-hash fast path), hybrid KEM envelopes.
// Outputs are cross-checked before timing. Run: node --import tsx tests/bench/keys-envelopes.ts

import {
  envelopeOpener, generateGrantKey, openEnvelope, openGrantWrap, sealEnvelope, wrapForGrant, wrapManyForGrant, type DocumentVersionRef,
} from '../../crypto/envelope.ts';
import { generateIdentity, identityPublicKeys } from '../../crypto/identity.ts';
import {
  acceptListedDocumentManifest, documentManifestHash, fileKeyCommitment, signDocumentManifest, verifyDocumentManifest,
} from '../../crypto/manifest.ts';
import {
  ed25519Verify, initPrimitives, primitivesImplementation, randomBytes, sha256, testOnlyForceNoble, xchacha20poly1305Seal,
} from '../../crypto/primitives.ts';
import { opsPerSecond, timeBest } from './timing.ts';

const COUNT = 10_000;
const refs: DocumentVersionRef[] = Array.from({ length: COUNT }, (_, i) => ({ vaultId: 'vault-0123456789', documentId: `doc-${i.toString().padStart(8, '0')}`, version: 1 }));
const fileKeys = refs.map(() => randomBytes(32));

function line(what: string, ms: number, count: number): void {
  console.log(`${what.padEnd(58)} ${ms.toFixed(1).padStart(9)} ms  ${Math.round(opsPerSecond(count, ms)).toLocaleString('en').padStart(9)} /s`);
}

async function grantWraps(): Promise<void> {
  const grantKey = generateGrantKey();
  const wraps = refs.map((ref, i) => wrapForGrant(grantKey, 'grant-1', ref, fileKeys[i]!));
  refs.forEach((ref, i) => {
    const opened = openGrantWrap(grantKey, 'grant-1', ref, wraps[i]!);
    if (!opened.every((byte, j) => byte === fileKeys[i]![j])) throw new Error('cross-check failed: grant wrap');
  });
  const nonce = randomBytes(24);
  const aad = randomBytes(70);
  const raw = await timeBest(() => fileKeys.map((key) => xchacha20poly1305Seal(grantKey, nonce, key, aad)), { minRuns: 3, minTotalMs: 0 });
  line(`baseline: ${COUNT} bare XChaCha20-Poly1305 seals of 32 bytes`, raw.bestMs, COUNT);
  const items = refs.map((ref, i) => ({ ref, fileKey: fileKeys[i]! }));
  const wrap = await timeBest(() => wrapManyForGrant(grantKey, 'grant-1', items), { minRuns: 3, minTotalMs: 0 });
  line(`wrap ${COUNT} file keys under one grant (wrapManyForGrant)`, wrap.bestMs, COUNT);
  const open = await timeBest(() => refs.map((ref, i) => openGrantWrap(grantKey, 'grant-1', ref, wraps[i]!)), { minRuns: 3, minTotalMs: 0 });
  line(`open ${COUNT} grant wraps`, open.bestMs, COUNT);
}

async function manifests(): Promise<void> {
  const author = generateIdentity();
  const allowedSigners = [identityPublicKeys(author).signingPublicKey];
  const signed = refs.map((ref, i) => signDocumentManifest({
    vaultId: ref.vaultId, documentId: ref.documentId, documentVersion: ref.version, authorAccountId: 'patient-0123456789',
    fileKeyCommitment: fileKeyCommitment(fileKeys[i]!, ref), payloadHash: sha256(fileKeys[i]!), metadataHash: sha256(fileKeys[i]!),
    envelopeSetHash: sha256(fileKeys[i]!), createdAt: 1_790_000_000_000,
  }, author.signingSeed));
  const hashes = signed.map(documentManifestHash);
  const verifyAll = () => signed.map((bytes, i) => verifyDocumentManifest(bytes, { allowedSigners, expected: refs[i]! }));
  verifyAll();
  console.log(`document manifest size: ${signed[0]!.length} bytes`);
  const messages = signed.map((bytes) => bytes.subarray(0, bytes.length - 64));
  const signatures = signed.map((bytes) => bytes.subarray(bytes.length - 64));
  const bare = await timeBest(() => messages.map((message, i) => ed25519Verify(allowedSigners[0]!, message, signatures[i]!)), { minRuns: 2, minTotalMs: 0 });
  line(`baseline: ${COUNT} bare ed25519Verify (${primitivesImplementation()})`, bare.bestMs, COUNT);
  const sodium = await timeBest(verifyAll, { minRuns: 2, minTotalMs: 0 });
  line(`verify ${COUNT} document manifests (${primitivesImplementation()})`, sodium.bestMs, COUNT);
  testOnlyForceNoble(true);
  const nobleCount = 1000;
  const noble = await timeBest(() => signed.slice(0, nobleCount).map((bytes) => verifyDocumentManifest(bytes, { allowedSigners })), { warmup: false, minRuns: 1, minTotalMs: 0 });
  line(`verify ${nobleCount} document manifests (${primitivesImplementation()})`, noble.bestMs, nobleCount);
  testOnlyForceNoble(false);
  const listed = await timeBest(() => signed.map((bytes, i) => acceptListedDocumentManifest(bytes, hashes[i]!, refs[i])), { minRuns: 3, minTotalMs: 0 });
  line(`accept ${COUNT} listed manifests by hash (vault-manifest path)`, listed.bestMs, COUNT);
}

async function hybridEnvelopes(): Promise<void> {
  const author = generateIdentity();
  const recipient = generateIdentity();
  const recipientKey = identityPublicKeys(recipient).encryptionPublicKey;
  const opener = envelopeOpener(recipient.kemSeed);
  const allowed = [identityPublicKeys(author).signingPublicKey];
  const n = 100;
  const envelopes = refs.slice(0, n).map((ref, i) => sealEnvelope(fileKeys[i]!, ref, recipientKey, author.signingSeed));
  envelopes.forEach((envelope, i) => {
    const key = openEnvelope(envelope, refs[i]!, opener, allowed);
    if (key === null || !key.every((byte, j) => byte === fileKeys[i]![j])) throw new Error('cross-check failed: envelope');
  });
  console.log(`identity envelope size: ${envelopes[0]!.length} bytes`);
  const seal = await timeBest(() => refs.slice(0, n).map((ref, i) => sealEnvelope(fileKeys[i]!, ref, recipientKey, author.signingSeed)), { minRuns: 2, minTotalMs: 0 });
  line(`seal ${n} signed hybrid envelopes (KEM wrap + Ed25519 sign)`, seal.bestMs, n);
  const open = await timeBest(() => envelopes.map((envelope, i) => openEnvelope(envelope, refs[i]!, opener, allowed)), { minRuns: 2, minTotalMs: 0 });
  line(`open ${n} signed hybrid envelopes (verify + KEM unwrap)`, open.bestMs, n);
}

await initPrimitives();
await grantWraps();
await manifests();
await hybridEnvelopes();
