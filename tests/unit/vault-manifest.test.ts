import { beforeAll, describe, expect, it } from 'vitest';
import { labelled } from '../../crypto/identity.ts';
import { ed25519Sign, initPrimitives, randomBytes } from '../../crypto/primitives.ts';
import {
  allowedWriters, assertRecipientsAllowed, compareVaultHeads, formatVaultHead, GENESIS_PREVIOUS_HASH, parseVaultHead, memberOf, reconcileListing, signVaultManifest,
  VAULT_MANIFEST_LABEL, verifyVaultManifest, verifyVaultManifestChain, type VaultManifest,
} from '../../crypto/vault-manifest.ts';
import { codeOf, concat, expectCode, flip, makeIdentity } from './identity-fixtures.ts';

beforeAll(initPrimitives);

const vault = makeIdentity('vault-1', 'vault');
const patient = makeIdentity('patient-1');
const parent2 = makeIdentity('patient-2');
const doctor = makeIdentity('dr-1', 'practitioner');
const lab = makeIdentity('lab-1', 'practitioner');
const server = makeIdentity('server', 'practitioner');
const NOW = 1_790_000_000_000;

type Draft = Omit<VaultManifest, 'version'>;

function draft(sequence: number, previousHash: Uint8Array, overrides: Partial<Draft> = {}): Draft {
  return {
    vaultId: 'vault-1', sequence, previousHash, owner: memberOf(vault.bundle), createdAt: NOW + sequence,
    records: [
      { documentId: 'doc-b', currentVersion: 2, manifestHash: new Uint8Array(32).fill(2) },
      { documentId: 'doc-a', currentVersion: 1, manifestHash: new Uint8Array(32).fill(1) },
    ],
    shares: [
      { ...memberOf(doctor.bundle), role: 'reader', endsAt: null },
      { ...memberOf(lab.bundle), role: 'contributor', endsAt: NOW + 1000 },
    ],
    managers: [memberOf(patient.bundle), memberOf(parent2.bundle)],
    ...overrides,
  };
}

/** Three chained manifests, sequences 1..3. */
function chain(): Uint8Array[] {
  const out: Uint8Array[] = [];
  let previous: Uint8Array = GENESIS_PREVIOUS_HASH;
  for (let sequence = 1; sequence <= 3; sequence++) {
    const bytes = signVaultManifest(draft(sequence, previous), vault.secrets.signingSeed);
    previous = verifyVaultManifest(bytes, vault.bundle.signingPublicKey).head.hash;
    out.push(bytes);
  }
  return out;
}

const owner = vault.bundle.signingPublicKey;

describe('vault manifest: signature and chain', () => {
  it('round-trips with its lists sorted', () => {
    const bytes = signVaultManifest(draft(1, GENESIS_PREVIOUS_HASH), vault.secrets.signingSeed);
    const { manifest, head } = verifyVaultManifest(bytes, owner);
    expect(head.sequence).toBe(1);
    expect(manifest.records.map((record) => record.documentId)).toEqual(['doc-a', 'doc-b']);
    expect(manifest.shares.map((share) => [share.accountId, share.role, share.endsAt])).toEqual([['dr-1', 'reader', null], ['lab-1', 'contributor', NOW + 1000]]);
    expect(manifest.managers.map((manager) => manager.accountId)).toEqual(['patient-1', 'patient-2']);
  });

  it('accepts the next manifest that chains to the last one seen', () => {
    const [first, second, third] = chain();
    const head1 = verifyVaultManifest(first!, owner).head;
    const head2 = verifyVaultManifest(second!, owner, head1).head;
    expect(verifyVaultManifest(third!, owner, head2).head.sequence).toBe(3);
    expect(verifyVaultManifest(second!, owner, head2).head).toEqual(head2);
    expect(verifyVaultManifestChain([second!, third!], owner, head1).head.sequence).toBe(3);
  });

  it('ATK-16 ATK-17 refuses a replayed older manifest (older records or share list) with ROLLBACK', () => {
    const [first, , third] = chain();
    const head3 = verifyVaultManifest(third!, owner).head;
    expectCode(() => verifyVaultManifest(first!, owner, head3), 'ROLLBACK');
  });

  it('ATK-17 ATK-19 refuses a fork: same sequence, other content', () => {
    const [first, second] = chain();
    const head1 = verifyVaultManifest(first!, owner).head;
    const head2 = verifyVaultManifest(second!, owner, head1).head;
    const fork = signVaultManifest(draft(2, head1.hash, { shares: [] }), vault.secrets.signingSeed);
    expectCode(() => verifyVaultManifest(fork, owner, head2), 'CHAIN_BROKEN');
  });

  it('ATK-17 refuses a next manifest that does not chain to the last one seen', () => {
    const [first] = chain();
    const head1 = verifyVaultManifest(first!, owner).head;
    const unchained = signVaultManifest(draft(2, randomBytes(32)), vault.secrets.signingSeed);
    expectCode(() => verifyVaultManifest(unchained, owner, head1), 'CHAIN_BROKEN');
  });

  it('ATK-17 refuses a chain with a gap', () => {
    const [first, , third] = chain();
    const head1 = verifyVaultManifest(first!, owner).head;
    expectCode(() => verifyVaultManifestChain([third!], owner, head1), 'CHAIN_BROKEN');
  });

  it('ATK-19 vault heads read out or scanned expose a split view', () => {
    const [first, second] = chain();
    const head1 = verifyVaultManifest(first!, owner).head;
    const head2 = verifyVaultManifest(second!, owner, head1).head;
    const split = verifyVaultManifest(signVaultManifest(draft(2, head1.hash, { shares: [] }), vault.secrets.signingSeed), owner).head;
    const code = formatVaultHead(head2);
    expect(code).toMatch(/^coffre-sante:vh1:2:[A-Za-z0-9_-]{43}$/);
    expect(parseVaultHead(code)).toEqual(head2);
    expect(compareVaultHeads(parseVaultHead(code), head2)).toBe(0);
    expect(compareVaultHeads(head1, head2)).toBe(-1);
    expect(compareVaultHeads(head2, head1)).toBe(1);
    expectCode(() => compareVaultHeads(split, parseVaultHead(code)), 'CHAIN_BROKEN');
    expectCode(() => parseVaultHead(code.replace('vh1', 'vh2')), 'VERSION_UNSUPPORTED');
    for (const bad of ['', 'coffre-sante:vh1:02:' + code.slice(-43), code.slice(0, -1), code + 'A', 'coffre-sante:vh1:x:' + code.slice(-43)]) {
      expectCode(() => parseVaultHead(bad), 'FORMAT_INVALID');
    }
  });

  it('ATK-20 refuses a share list the server extended with its own account', () => {
    const bytes = signVaultManifest(draft(1, GENESIS_PREVIOUS_HASH), vault.secrets.signingSeed);
    const extended = signVaultManifest(
      draft(1, GENESIS_PREVIOUS_HASH, { shares: [{ ...memberOf(server.bundle), role: 'reader', endsAt: null }] }),
      server.secrets.signingSeed,
    );
    expectCode(() => verifyVaultManifest(extended, owner), 'SIGNATURE_INVALID');
    expect(codeOf(() => verifyVaultManifest(bytes, server.bundle.signingPublicKey))).toBe('SIGNER_NOT_ALLOWED');
  });

  it('ATK-26 refuses another format version and non-canonical lists, even signed by the owner', () => {
    const bytes = signVaultManifest(draft(1, GENESIS_PREVIOUS_HASH), vault.secrets.signingSeed);
    const body = bytes.slice(0, bytes.length - 64);
    const resign = (edited: Uint8Array) => concat(edited, ed25519Sign(vault.secrets.signingSeed, labelled(VAULT_MANIFEST_LABEL, edited)));
    const version2 = body.slice();
    version2[1] = 2;
    expectCode(() => verifyVaultManifest(resign(version2), owner), 'VERSION_UNSUPPORTED');
    // Swap the two record entries (each: u32 5 | "doc-x" | u32 version | 32-byte hash = 45 bytes).
    // u16 version | text "vault-1" | u64 sequence | 32 previous | owner (text "vault-1", 32, 32) | u64 | u32 count
    const recordsStart = 2 + 11 + 8 + 32 + 75 + 8 + 4;
    const unsorted = body.slice();
    unsorted.set(body.subarray(recordsStart + 45, recordsStart + 90), recordsStart);
    unsorted.set(body.subarray(recordsStart, recordsStart + 45), recordsStart + 45);
    expect(new TextDecoder().decode(unsorted.subarray(recordsStart + 4, recordsStart + 9))).toBe('doc-b');
    expectCode(() => verifyVaultManifest(resign(unsorted), owner), 'FORMAT_INVALID');
  });

  it('ATK-16 ATK-17 every single-byte change of a signed vault manifest is a typed error', () => {
    const bytes = signVaultManifest(draft(1, GENESIS_PREVIOUS_HASH), vault.secrets.signingSeed);
    const allowed = new Set(['SIGNATURE_INVALID', 'SIGNER_NOT_ALLOWED', 'FORMAT_INVALID', 'VERSION_UNSUPPORTED']);
    for (let index = 0; index < bytes.length; index++) {
      expect(allowed.has(codeOf(() => verifyVaultManifest(flip(bytes, index, 0x04), owner)))).toBe(true);
    }
  });

  it('treats duplicates and sequence 0 as caller misuse', () => {
    const duplicate = draft(1, GENESIS_PREVIOUS_HASH, { managers: [memberOf(patient.bundle), memberOf(patient.bundle)] });
    expect(() => signVaultManifest(duplicate, vault.secrets.signingSeed)).toThrow(RangeError);
    expect(() => signVaultManifest(draft(0, GENESIS_PREVIOUS_HASH), vault.secrets.signingSeed)).toThrow(RangeError);
  });
});

describe('vault manifest: listings and recipients', () => {
  const { manifest } = verifyVaultManifest(signVaultManifest(draft(1, GENESIS_PREVIOUS_HASH), vault.secrets.signingSeed), owner);
  const listing = [
    { documentId: 'doc-a', version: 1, manifestHash: new Uint8Array(32).fill(1) },
    { documentId: 'doc-b', version: 2 },
  ];

  it('accepts exactly the signed records in any order', () => {
    reconcileListing(manifest, listing);
    reconcileListing(manifest, [...listing].reverse());
  });

  it('ATK-18 a hidden record is RECORD_MISSING', () => {
    expectCode(() => { reconcileListing(manifest, listing.slice(1)); }, 'RECORD_MISSING');
    expectCode(() => { reconcileListing(manifest, []); }, 'RECORD_MISSING');
  });

  it('ATK-06 ATK-16 an injected, duplicated, resurrected or not-yet-signed record is RECORD_UNEXPECTED', () => {
    expectCode(() => { reconcileListing(manifest, [...listing, { documentId: 'doc-fake', version: 1 }]); }, 'RECORD_UNEXPECTED');
    expectCode(() => { reconcileListing(manifest, [...listing, listing[0]!]); }, 'RECORD_UNEXPECTED');
    expectCode(() => { reconcileListing(manifest, [listing[0]!, { documentId: 'doc-b', version: 3 }]); }, 'RECORD_UNEXPECTED');
  });

  it('ATK-16 an older version of a record is ROLLBACK', () => {
    expectCode(() => { reconcileListing(manifest, [listing[0]!, { documentId: 'doc-b', version: 1 }]); }, 'ROLLBACK');
  });

  it('ATK-11 a record served with another manifest is MANIFEST_MISMATCH', () => {
    expectCode(() => { reconcileListing(manifest, [{ ...listing[0]!, manifestHash: new Uint8Array(32).fill(9) }, listing[1]!]); }, 'MANIFEST_MISMATCH');
  });

  it('ATK-20 wraps only for the owner, managers and active share members', () => {
    assertRecipientsAllowed(manifest, [vault.bundle, patient.bundle, parent2.bundle, doctor.bundle, lab.bundle], NOW);
    expectCode(() => { assertRecipientsAllowed(manifest, [doctor.bundle, server.bundle], NOW); }, 'RECIPIENT_NOT_ALLOWED');
    expectCode(() => { assertRecipientsAllowed(manifest, [lab.bundle], NOW + 1000); }, 'RECIPIENT_NOT_ALLOWED');
  });

  it('ATK-03 ATK-20 a listed member whose keys the server substituted is KEY_CHANGED', () => {
    const fakeDoctor = makeIdentity('dr-1', 'practitioner').bundle;
    expectCode(() => { assertRecipientsAllowed(manifest, [fakeDoctor], NOW); }, 'KEY_CHANGED');
  });

  it('ATK-06 lets only the owner, managers and active contributors write', () => {
    const writers = allowedWriters(manifest, NOW);
    expect(writers).toEqual([vault, patient, parent2, lab].map((identity) => identity.bundle.signingPublicKey));
    expect(allowedWriters(manifest, NOW + 1000)).toHaveLength(3);
  });
});
