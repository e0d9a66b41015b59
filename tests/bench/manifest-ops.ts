// Verifying 10,000 signed document manifests (opening a vault), against the listed-hash fast path. The
// first manifest's signature is also checked by node:crypto, independently of crypto/.

import { createPublicKey, verify } from 'node:crypto';
import { labelled } from '../../crypto/identity.ts';
import { DOCUMENT_MANIFEST_LABEL, acceptListedDocumentManifest, documentManifestHash, signDocumentManifest, verifyDocumentManifest } from '../../crypto/manifest.ts';
import { ed25519Keygen, randomBytes } from '../../crypto/primitives.ts';
import { CONFIG } from './config.ts';
import { assertTrue } from './crosscheck.ts';
import type { Results } from './table.ts';
import { opsPerSecond } from './timing.ts';

// An Ed25519 public key as SPKI DER: the fixed 12-byte prefix for OID 1.3.101.112, then the 32 key bytes.
const ED25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

function nodeVerifies(manifest: Uint8Array, publicKey: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  const body = manifest.subarray(0, manifest.length - 64);
  return verify(null, labelled(DOCUMENT_MANIFEST_LABEL, body), key, manifest.subarray(manifest.length - 64));
}

function makeManifests(count: number, seed: Uint8Array): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => signDocumentManifest({
    vaultId: 'vault-bench',
    documentId: `document-${i}`,
    documentVersion: 1,
    authorAccountId: 'author-bench',
    fileKeyCommitment: randomBytes(32),
    payloadHash: randomBytes(32),
    metadataHash: randomBytes(32),
    envelopeSetHash: randomBytes(32),
    createdAt: 1_800_000_000_000 + i,
  }, seed));
}

function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export function benchManifests(results: Results, section: string): Promise<void> {
  const seed = randomBytes(32);
  const author = ed25519Keygen(seed).publicKey;
  const manifests = makeManifests(CONFIG.verifications, seed);
  const hashes = manifests.map(documentManifestHash);
  assertTrue(nodeVerifies(manifests[0]!, author), 'manifest signature verified by node:crypto');
  const options = (i: number) => ({ allowedSigners: [author], expected: { vaultId: 'vault-bench', documentId: `document-${i}`, version: 1 } });
  const verifyMs = timeMs(() => { manifests.forEach((m, i) => verifyDocumentManifest(m, options(i))); });
  const listedMs = timeMs(() => { manifests.forEach((m, i) => acceptListedDocumentManifest(m, hashes[i]!, options(i).expected)); });
  const n = manifests.length;
  const note = `${n.toLocaleString('en-US')} manifests, libsodium path`;
  results.add({ section, operation: 'verifyDocumentManifest (parse + Ed25519)', value: opsPerSecond(n, verifyMs), unit: 'ops/s', note });
  results.add({ section, operation: '  time for 10,000 manifests', value: (verifyMs * 10_000) / n, unit: 'ms', target: '< 2,000 ms (open a vault)', note: n === 10_000 ? 'measured' : 'extrapolated' });
  results.add({ section, operation: 'acceptListedDocumentManifest (hash listed in vault manifest)', value: opsPerSecond(n, listedMs), unit: 'ops/s', note });
  return Promise.resolve();
}
