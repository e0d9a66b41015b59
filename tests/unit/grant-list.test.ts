// The owner-signed grant list (crypto/grant-list.ts, SPEC.md part 3 section 9): exact layout, sequence
// checks against the recipient's last head, and reconciliation of what the server serves for a grant.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRANT_LIST_LABEL, grantListHash, reconcileGrantList, signGrantList, verifyGrantList, type GrantList, type GrantListExpectation } from '../../crypto/grant-list.ts';
import { labelled } from '../../crypto/identity.ts';
import { ed25519Sign, initPrimitives } from '../../crypto/primitives.ts';
import { memberOf } from '../../crypto/vault-manifest.ts';
import { codeOf, concat, expectCode, flip, makeIdentity } from './identity-fixtures.ts';

beforeAll(initPrimitives);

const vault = makeIdentity('vault-1', 'vault');
const doctor = makeIdentity('dr-1', 'practitioner');
const server = makeIdentity('server', 'practitioner');
const NOW = 1_790_000_000_000;

type Draft = Omit<GrantList, 'version'>;

function draft(sequence: number, overrides: Partial<Draft> = {}): Draft {
  return {
    vaultId: 'vault-1', grantId: 'grant-1', recipient: memberOf(doctor.bundle), sequence, createdAt: NOW + sequence,
    entries: [{ documentId: 'doc-b', version: 1 }, { documentId: 'doc-a', version: 2 }, { documentId: 'doc-a', version: 1 }],
    ...overrides,
  };
}

const sign = (fields: Draft): Uint8Array => signGrantList(fields, vault.secrets.signingSeed);
const expected: GrantListExpectation = {
  ownerSigningKey: vault.bundle.signingPublicKey, vaultId: 'vault-1', grantId: 'grant-1',
  recipient: { accountId: 'dr-1', keysHash: memberOf(doctor.bundle).keysHash },
};
const resign = (body: Uint8Array): Uint8Array => concat(body, ed25519Sign(vault.secrets.signingSeed, labelled(GRANT_LIST_LABEL, body)));

describe('grant list: layout and signature', () => {
  it('round-trips with its entries sorted by document id, then version', () => {
    const bytes = sign(draft(1));
    const { list, head } = verifyGrantList(bytes, expected);
    expect(list.entries).toEqual([{ documentId: 'doc-a', version: 1 }, { documentId: 'doc-a', version: 2 }, { documentId: 'doc-b', version: 1 }]);
    expect(list.recipient.accountId).toBe('dr-1');
    expect(head).toEqual({ sequence: 1, hash: grantListHash(bytes) });
  });

  it('encodes and hashes exactly as SPEC.md part 3 section 9 writes it', () => {
    const bytes = sign(draft(1, { entries: [{ documentId: 'd', version: 7 }] }));
    const text = (s: string) => { const b = Buffer.from(s, 'utf8'); const n = Buffer.alloc(4); n.writeUInt32BE(b.length); return Buffer.concat([n, b]); };
    const u = (value: number, size: 2 | 4 | 8) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(value)); return b.subarray(8 - size); };
    const member = memberOf(doctor.bundle);
    const body = Buffer.concat([
      u(1, 2), text('vault-1'), text('grant-1'), text('dr-1'), member.signingPublicKey, member.keysHash,
      u(1, 8), u(NOW + 1, 8), u(1, 4), text('d'), u(7, 4),
    ]);
    expect(Buffer.from(bytes.subarray(0, bytes.length - 64)).equals(body)).toBe(true);
    const hashInput = Buffer.concat([text('coffre-sante/v1/grant-list-hash'), u(bytes.length, 4), bytes]);
    expect(Buffer.from(grantListHash(bytes)).toString('hex')).toBe(createHash('sha256').update(hashInput).digest('hex'));
  });

  it('ATK-20 refuses a grant list the server extended or re-signed', () => {
    const forged = signGrantList(draft(1, { entries: [...draft(1).entries, { documentId: 'doc-secret', version: 1 }] }), server.secrets.signingSeed);
    expectCode(() => verifyGrantList(forged, expected), 'SIGNATURE_INVALID');
    const bytes = sign(draft(1));
    const body = bytes.subarray(0, bytes.length - 64);
    // Append a well-formed entry "x" version 1 and bump the count (at byte 112): it parses, but the owner's
    // signature no longer covers it.
    const extended = concat(body, Uint8Array.of(0, 0, 0, 1, 0x78, 0, 0, 0, 1), bytes.subarray(body.length));
    expect(extended[115]).toBe(3);
    extended[115] = 4;
    expectCode(() => verifyGrantList(extended, expected), 'SIGNATURE_INVALID');
    expect(verifyGrantList(resign(extended.subarray(0, extended.length - 64)), expected).list.entries).toHaveLength(4);
  });

  it('ATK-05 ATK-20 refuses a list of another vault or grant (MANIFEST_MISMATCH)', () => {
    expectCode(() => verifyGrantList(sign(draft(1, { vaultId: 'vault-2' })), expected), 'MANIFEST_MISMATCH');
    expectCode(() => verifyGrantList(sign(draft(1, { grantId: 'grant-2' })), expected), 'MANIFEST_MISMATCH');
  });

  it('ATK-03 a list naming other recipient keys is KEY_CHANGED', () => {
    const substitute = makeIdentity('dr-1', 'practitioner');
    expectCode(() => verifyGrantList(sign(draft(1, { recipient: memberOf(substitute.bundle) })), expected), 'KEY_CHANGED');
  });

  it('ATK-20 ATK-21 a list for another recipient is RECIPIENT_NOT_ALLOWED', () => {
    expectCode(() => verifyGrantList(sign(draft(1, { recipient: memberOf(server.bundle) })), expected), 'RECIPIENT_NOT_ALLOWED');
  });

  it('ATK-26 refuses another format version and unsorted or duplicate entries, even signed by the owner', () => {
    const bytes = sign(draft(1, { entries: [{ documentId: 'doc-a', version: 1 }, { documentId: 'doc-b', version: 1 }] }));
    const body = bytes.slice(0, bytes.length - 64);
    const version2 = body.slice();
    version2[1] = 2;
    expectCode(() => verifyGrantList(resign(version2), expected), 'VERSION_UNSUPPORTED');
    // u16 | text vault-1 (11) | text grant-1 (11) | member (8 + 32 + 32) | u64 | u64 | u32 count; entries 13 bytes each.
    const entriesStart = 2 + 11 + 11 + 72 + 8 + 8 + 4;
    const first = body.slice(entriesStart, entriesStart + 13);
    const second = body.slice(entriesStart + 13, entriesStart + 26);
    expect(new TextDecoder().decode(second.subarray(4, 9))).toBe('doc-b');
    const unsorted = body.slice();
    unsorted.set(second, entriesStart);
    unsorted.set(first, entriesStart + 13);
    expectCode(() => verifyGrantList(resign(unsorted), expected), 'FORMAT_INVALID');
    const duplicate = body.slice();
    duplicate.set(first, entriesStart + 13);
    expectCode(() => verifyGrantList(resign(duplicate), expected), 'FORMAT_INVALID');
  });

  it('refuses truncated, extended and empty lists with FORMAT_INVALID', () => {
    const bytes = sign(draft(1));
    const body = bytes.subarray(0, bytes.length - 64);
    expectCode(() => verifyGrantList(new Uint8Array(0), expected), 'FORMAT_INVALID');
    expectCode(() => verifyGrantList(bytes.subarray(0, 60), expected), 'FORMAT_INVALID');
    expectCode(() => verifyGrantList(resign(body.subarray(0, body.length - 1)), expected), 'FORMAT_INVALID');
    expectCode(() => verifyGrantList(resign(concat(body, Uint8Array.of(0))), expected), 'FORMAT_INVALID');
  });

  it('ATK-17 ATK-20 every single-byte change of a signed grant list is a typed error', () => {
    const bytes = sign(draft(1));
    const allowed = new Set(['SIGNATURE_INVALID', 'FORMAT_INVALID', 'VERSION_UNSUPPORTED']);
    for (let index = 0; index < bytes.length; index++) {
      expect(allowed.has(codeOf(() => verifyGrantList(flip(bytes, index, 0x04), expected)))).toBe(true);
    }
  });

  it('treats duplicates, sequence 0 and empty ids as caller misuse', () => {
    expect(() => sign(draft(1, { entries: [{ documentId: 'doc-a', version: 1 }, { documentId: 'doc-a', version: 1 }] }))).toThrow(RangeError);
    expect(() => sign(draft(0))).toThrow(RangeError);
    expect(() => sign(draft(1, { grantId: '' }))).toThrow(RangeError);
    expect(() => sign(draft(1, { entries: [{ documentId: '', version: 1 }] }))).toThrow(RangeError);
  });
});

describe('grant list: sequence and heads', () => {
  const first = sign(draft(1));
  const second = sign(draft(2, { entries: [{ documentId: 'doc-a', version: 1 }] }));
  const head1 = verifyGrantList(first, expected).head;
  const head2 = verifyGrantList(second, { ...expected, lastSeen: head1 }).head;

  it('accepts the same list again and any newer one', () => {
    expect(verifyGrantList(second, { ...expected, lastSeen: head2 }).head).toEqual(head2);
    expect(verifyGrantList(sign(draft(5)), { ...expected, lastSeen: head2 }).head.sequence).toBe(5);
  });

  it('ATK-17 refuses a replayed older grant list (ROLLBACK) and a fork (CHAIN_BROKEN)', () => {
    expectCode(() => verifyGrantList(first, { ...expected, lastSeen: head2 }), 'ROLLBACK');
    const fork = sign(draft(2, { entries: [{ documentId: 'doc-b', version: 1 }] }));
    expectCode(() => verifyGrantList(fork, { ...expected, lastSeen: head2 }), 'CHAIN_BROKEN');
  });
});

describe('grant list: reconciliation with what the server serves', () => {
  const { list } = verifyGrantList(sign(draft(1)), expected);
  const served = [{ documentId: 'doc-b', version: 1 }, { documentId: 'doc-a', version: 1 }, { documentId: 'doc-a', version: 2 }];

  it('accepts exactly the listed versions in any order', () => {
    reconcileGrantList(list, served);
    reconcileGrantList(list, [...served].reverse());
    reconcileGrantList({ entries: [] }, []);
  });

  it('ATK-05 ATK-21 reconcile: a withheld entry is RECORD_MISSING, a re-added one RECORD_UNEXPECTED', () => {
    expectCode(() => { reconcileGrantList(list, served.slice(1)); }, 'RECORD_MISSING');
    expectCode(() => { reconcileGrantList(list, []); }, 'RECORD_MISSING');
    expectCode(() => { reconcileGrantList(list, [...served, { documentId: 'doc-removed', version: 1 }]); }, 'RECORD_UNEXPECTED');
    expectCode(() => { reconcileGrantList(list, [...served, { documentId: 'doc-a', version: 3 }]); }, 'RECORD_UNEXPECTED');
    expectCode(() => { reconcileGrantList(list, [...served, served[0]!]); }, 'RECORD_UNEXPECTED');
  });
});
