// Sharing 10,000 documents of an already-listed vault with one practitioner: the client time of
// client/core shareWith (grant wraps, signed grant list, sealed scope, two grant-key envelopes, the next
// signed vault manifest, the JSON body) and the number of requests it sends, against node:crypto sealing
// the same 10,000 file keys with ChaCha20-Poly1305 in the same run. The server is a stub answering 201 at
// once, so the figure is client work only; its body is checked first (a wrap opens with the grant key the
// recipient unwraps, the list verifies and names every document).
//
// In `npm run bench`, or alone: `npx tsx tests/bench/share-ops.ts` (BENCH_QUICK=1: 1,000 documents).

import { createCipheriv, randomBytes as nodeRandomBytes } from 'node:crypto';
import type { UnlockedAccount } from '../../client/core/account.ts';
import { createApiClient } from '../../client/core/api.ts';
import type { OpenedDocument, OpenedVault } from '../../client/core/opened-vault.ts';
import { memoryPinStore } from '../../client/core/pins.ts';
import { shareWith } from '../../client/core/sharing.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { envelopeOpener, openGrantKey, openGrantWrap } from '../../crypto/envelope.ts';
import { keysHash } from '../../crypto/fingerprint.ts';
import { verifyGrantList } from '../../crypto/grant-list.ts';
import { generateIdentity, signPublicBundle, verifyPublicBundle, type IdentityRole } from '../../crypto/identity.ts';
import { initPrimitives, randomBytes } from '../../crypto/primitives.ts';
import { memberOf, signVaultManifest, verifyVaultManifest, type VaultManifest } from '../../crypto/vault-manifest.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import type { CreateGrantRequest } from '../../shared/grants.ts';
import { QUICK } from './config.ts';
import { assertEqualBytes, assertTrue } from './crosscheck.ts';
import { Results, renderTable } from './table.ts';
import { opsPerSecond, timeInterleaved } from './timing.ts';

const SECTION = 'Node sharing';
const BASE_SEAL = 'node:crypto ChaCha20-Poly1305 seal of 32-byte file keys';
const TARGET = 10_000;
const COUNT = QUICK ? 1_000 : TARGET;

function person(accountId: string, role: IdentityRole) {
  const identity = generateIdentity();
  return { identity, bundle: verifyPublicBundle(signPublicBundle(identity, { accountId, role, createdAt: 1_800_000_000_000 })) };
}

/** An owner whose vault holds `count` opened documents, and the manifest state.head points at. */
function fixture(count: number): { account: UnlockedAccount; vault: OpenedVault; manifest: VaultManifest; state: VaultState } {
  const owner = person('patient-bench', 'patient');
  const vaultId = toBase64url(randomBytes(16));
  const account: UnlockedAccount = { accountId: 'patient-bench', identity: owner.identity, bundle: owner.bundle, role: 'patient', vaultId };
  const documents: OpenedDocument[] = Array.from({ length: count }, (_, i) => ({
    documentId: toBase64url(randomBytes(16)), version: 1, payloadSize: 4096, updatedAt: 1_800_000_000_000 + i, fileKey: randomBytes(32),
    metadata: { title: `Document ${String(i)}`, category: '11502-2', dateOfCare: '2026-02-14', author: 'Labo', fileName: 'doc.pdf', mimeType: 'application/pdf', realLength: 4000 },
  }));
  const bytes = signVaultManifest({
    vaultId, sequence: 1, previousHash: new Uint8Array(32), owner: memberOf(owner.bundle), createdAt: 1_800_000_000_000,
    records: documents.map((document) => ({ documentId: document.documentId, currentVersion: 1, manifestHash: randomBytes(32) })),
    shares: [], managers: [],
  }, owner.identity.signingSeed);
  const { manifest, head } = verifyVaultManifest(bytes, owner.bundle.signingPublicKey);
  return { account, vault: { manifest, documents }, manifest, state: { head } };
}

function nodeSeals(fileKeys: readonly Uint8Array[]): void {
  const key = nodeRandomBytes(32);
  const nonces = nodeRandomBytes(12 * fileKeys.length);
  fileKeys.forEach((fileKey, i) => {
    const cipher = createCipheriv('chacha20-poly1305', key, nonces.subarray(12 * i, 12 * (i + 1)), { authTagLength: 16 });
    cipher.update(fileKey);
    cipher.final();
    cipher.getAuthTag();
  });
}

export async function runShareOps(results: Results): Promise<void> {
  await initPrimitives();
  const { account, vault, manifest, state } = fixture(COUNT);
  const recipient = person('dr-bench', 'practitioner');
  const head = state.head;
  const pins = memoryPinStore();
  const sent: string[] = [];
  const api = createApiClient('http://bench.invalid', {
    fetch: (_url, init) => {
      sent.push(typeof init.body === 'string' ? init.body : '');
      return Promise.resolve(new Response(JSON.stringify({ grantId: toBase64url(randomBytes(16)) }), { status: 201, headers: { 'content-type': 'application/json' } }));
    },
  });
  const share = async () => {
    vault.manifest = manifest;
    state.head = head;
    await shareWith(api, account, state, pins, vault, { recipient: recipient.bundle, scope: { kind: 'all' }, endsAt: null });
  };

  await share();
  assertTrue(sent.length === 1, 'shareWith sends exactly one request');
  const body = JSON.parse(sent[0] ?? '{}') as CreateGrantRequest;
  const ref = { vaultId: account.vaultId, grantId: body.grantId };
  const grantKey = openGrantKey(fromBase64url(body.recipientEnvelope), ref, envelopeOpener(recipient.identity.kemSeed), [account.bundle.signingPublicKey]);
  assertTrue(grantKey !== null, 'the recipient opens the grant-key envelope');
  const last = vault.documents[COUNT - 1]!;
  const wrap = body.wraps.find((item) => item.documentId === last.documentId);
  assertTrue(wrap !== undefined && body.wraps.length === COUNT, 'one wrap per document');
  assertEqualBytes(openGrantWrap(grantKey!, body.grantId, { ...ref, documentId: last.documentId, version: 1 }, fromBase64url(wrap!.wrap)), last.fileKey, 'a grant wrap opens to the file key');
  const { list } = verifyGrantList(fromBase64url(body.list.list), { ownerSigningKey: account.bundle.signingPublicKey, ...ref, recipient: { accountId: 'dr-bench', keysHash: keysHash(recipient.bundle) } });
  assertTrue(list.entries.length === COUNT, 'the signed grant list names every document');
  const bodyBytes = sent[0]?.length ?? 0;

  sent.length = 0;
  const fileKeys = vault.documents.map((document) => document.fileKey);
  const [seal, shared] = await timeInterleaved([() => { nodeSeals(fileKeys); }, share], { minRuns: 5, minTotalMs: 2_000 });
  const requestsPerShare = sent.length / shared!.runs;
  const n = COUNT.toLocaleString('en-US');
  results.baseline(BASE_SEAL, { section: 'baseline (Node)', operation: BASE_SEAL, value: opsPerSecond(COUNT, seal!.bestMs), unit: 'ops/s', note: `${n} keys, one fresh nonce each` });
  results.add({
    section: SECTION, operation: 'shareWith (wraps, list, scope, 2 envelopes, vault manifest, JSON)', value: opsPerSecond(COUNT, shared!.bestMs), unit: 'ops/s',
    against: [BASE_SEAL], note: `documents per second; ${n} documents, body checked`,
  });
  results.add({
    section: SECTION, operation: '  time to share 10,000 listed documents', value: (shared!.bestMs * TARGET) / COUNT, unit: 'ms', target: '< 1,000 ms and 1 request',
    note: `${COUNT === TARGET ? 'measured' : 'extrapolated'}; ${String(requestsPerShare)} request per share, body ${(bodyBytes / 1e6).toFixed(2)} MB; stub server`,
  });
}

if (process.argv[1]?.endsWith('share-ops.ts') === true) {
  const results = new Results();
  await runShareOps(results);
  console.log(renderTable(results));
}
