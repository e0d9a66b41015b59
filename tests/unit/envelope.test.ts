import { beforeAll, describe, expect, it } from 'vitest';
import { ByteWriter } from '../../crypto/encoding.ts';
import { kemWrap } from '../../crypto/envelope-kem.ts';
import {
  generateGrantKey, IDENTITY_ENVELOPE_LABEL, openEnvelope, openGrantKey, openGrantWrap, recipientKeyId, sealEnvelope,
  sealGrantKey, sealVaultKeys, openVaultKeys, wrapForGrant, wrapManyForGrant, type DocumentVersionRef,
} from '../../crypto/envelope.ts';
import { labelled } from '../../crypto/identity.ts';
import { ed25519Keygen, ed25519Sign, initPrimitives, randomBytes } from '../../crypto/primitives.ts';
import { codeOf, concat, expectCode, flip, makeIdentity } from './identity-fixtures.ts';

beforeAll(initPrimitives);

const author = makeIdentity('patient-1');
const owner = makeIdentity('vault-1', 'vault');
const practitioner = makeIdentity('dr-1', 'practitioner');
const server = makeIdentity('server', 'practitioner');
const allowed = [author.bundle.signingPublicKey, owner.bundle.signingPublicKey];
const ref: DocumentVersionRef = { vaultId: 'vault-1', documentId: 'doc-1', version: 3 };
const fileKey = randomBytes(32);

describe('identity envelopes', () => {
  it('opens for its recipient and is null for anyone else', () => {
    const envelope = sealEnvelope(fileKey, ref, owner.bundle.encryptionPublicKey, author.secrets.signingSeed);
    expect(openEnvelope(envelope, ref, owner.opener, allowed)).toEqual(fileKey);
    expect(openEnvelope(envelope, ref, practitioner.opener, allowed)).toBeNull();
    const signedByOwner = sealEnvelope(fileKey, ref, practitioner.bundle.encryptionPublicKey, owner.secrets.signingSeed);
    expect(openEnvelope(signedByOwner, ref, practitioner.opener, allowed)).toEqual(fileKey);
  });

  it('wraps only 32-byte file keys and writes an age mlkem768x25519 stanza', () => {
    expect(() => sealEnvelope(randomBytes(16), ref, owner.bundle.encryptionPublicKey, author.secrets.signingSeed)).toThrow(RangeError);
    const envelope = sealEnvelope(fileKey, ref, owner.bundle.encryptionPublicKey, author.secrets.signingSeed);
    expect(new TextDecoder().decode(envelope.subarray(38, 38 + 18))).toBe('-> mlkem768x25519 ');
  });

  it('ATK-05 refuses an envelope the server made for a key it chose (not an allowed signer)', () => {
    const forged = sealEnvelope(randomBytes(32), ref, owner.bundle.encryptionPublicKey, server.secrets.signingSeed);
    expectCode(() => openEnvelope(forged, ref, owner.opener, allowed), 'SIGNER_NOT_ALLOWED');
  });

  it("ATK-05 refuses a forged envelope that names the author's key as signer", () => {
    const forged = sealEnvelope(randomBytes(32), ref, owner.bundle.encryptionPublicKey, server.secrets.signingSeed);
    const signerOffset = forged.length - 64 - 32;
    forged.set(author.bundle.signingPublicKey, signerOffset);
    expectCode(() => openEnvelope(forged, ref, owner.opener, allowed), 'SIGNATURE_INVALID');
  });

  it('ATK-05 refuses an unsigned envelope (zero signature) and one without a signature', () => {
    const envelope = sealEnvelope(fileKey, ref, owner.bundle.encryptionPublicKey, author.secrets.signingSeed);
    const unsigned = envelope.slice();
    unsigned.fill(0, envelope.length - 64);
    expectCode(() => openEnvelope(unsigned, ref, owner.opener, allowed), 'SIGNATURE_INVALID');
    expectCode(() => openEnvelope(envelope.subarray(0, envelope.length - 64), ref, owner.opener, allowed), 'FORMAT_INVALID');
  });

  it('ATK-11 refuses an envelope moved to another vault, document or version', () => {
    const envelope = sealEnvelope(fileKey, ref, owner.bundle.encryptionPublicKey, author.secrets.signingSeed);
    for (const moved of [{ ...ref, vaultId: 'vault-2' }, { ...ref, documentId: 'doc-2' }, { ...ref, version: 4 }]) {
      expectCode(() => openEnvelope(envelope, moved, owner.opener, allowed), 'SIGNATURE_INVALID');
    }
  });

  it("ATK-11 refuses a stanza spliced from another signed envelope", () => {
    const mine = sealEnvelope(fileKey, ref, owner.bundle.encryptionPublicKey, author.secrets.signingSeed);
    const other = sealEnvelope(randomBytes(32), { ...ref, documentId: 'doc-2' }, owner.bundle.encryptionPublicKey, author.secrets.signingSeed);
    const spliced = concat(other.subarray(0, other.length - 96), mine.subarray(mine.length - 96));
    expectCode(() => openEnvelope(spliced, ref, owner.opener, allowed), 'SIGNATURE_INVALID');
  });

  it('a signed envelope addressed to us whose stanza does not unwrap is DECRYPTION_FAILED', () => {
    const stanza = kemWrap(fileKey, practitioner.bundle.encryptionPublicKey);
    const keyId = recipientKeyId(owner.bundle.encryptionPublicKey);
    const context = new ByteWriter().text(ref.vaultId).text(ref.documentId).u32(ref.version).finish();
    const body = new ByteWriter().u16(1).fixed(context, context.length).fixed(keyId, 32).bytes(stanza).finish();
    const signature = ed25519Sign(author.secrets.signingSeed, labelled(IDENTITY_ENVELOPE_LABEL, body));
    const envelope = new ByteWriter().u16(1).fixed(keyId, 32).bytes(stanza)
      .fixed(ed25519Keygen(author.secrets.signingSeed).publicKey, 32).fixed(signature, 64).finish();
    expectCode(() => openEnvelope(envelope, ref, owner.opener, allowed), 'DECRYPTION_FAILED');
    // The same construction with a good stanza opens: the layout above is the one of the spec.
    const good = sealEnvelope(fileKey, ref, owner.bundle.encryptionPublicKey, author.secrets.signingSeed);
    expect(good.subarray(0, 34)).toEqual(envelope.subarray(0, 34));
  });

  it('ATK-26 refuses another envelope version', () => {
    const envelope = sealEnvelope(fileKey, ref, owner.bundle.encryptionPublicKey, author.secrets.signingSeed);
    expectCode(() => openEnvelope(flip(envelope, 1, 0x03), ref, owner.opener, allowed), 'VERSION_UNSUPPORTED');
  });

  it('ATK-05 every single-byte change of a signed envelope is a typed error', () => {
    const envelope = sealEnvelope(fileKey, ref, owner.bundle.encryptionPublicKey, author.secrets.signingSeed);
    const codes = new Set<string>();
    for (let index = 0; index < envelope.length; index++) {
      codes.add(codeOf(() => openEnvelope(flip(envelope, index, 0x10), ref, owner.opener, allowed)));
    }
    expect([...codes].every((code) => ['SIGNATURE_INVALID', 'SIGNER_NOT_ALLOWED', 'FORMAT_INVALID', 'VERSION_UNSUPPORTED'].includes(code))).toBe(true);
  });
});

describe('grants', () => {
  const grant = { vaultId: 'vault-1', grantId: 'grant-1' };

  it('opens the grant key for its recipient, null for others', () => {
    const grantKey = generateGrantKey();
    const envelope = sealGrantKey(grantKey, grant, practitioner.bundle.encryptionPublicKey, owner.secrets.signingSeed);
    expect(openGrantKey(envelope, grant, practitioner.opener, [owner.bundle.signingPublicKey])).toEqual(grantKey);
    expect(openGrantKey(envelope, grant, author.opener, [owner.bundle.signingPublicKey])).toBeNull();
  });

  it('ATK-05 ATK-20 refuses a grant key envelope signed by the server or moved to another grant', () => {
    const grantKey = generateGrantKey();
    const forged = sealGrantKey(grantKey, grant, practitioner.bundle.encryptionPublicKey, server.secrets.signingSeed);
    expectCode(() => openGrantKey(forged, grant, practitioner.opener, [owner.bundle.signingPublicKey]), 'SIGNER_NOT_ALLOWED');
    const envelope = sealGrantKey(grantKey, grant, practitioner.bundle.encryptionPublicKey, owner.secrets.signingSeed);
    expectCode(() => openGrantKey(envelope, { ...grant, grantId: 'grant-2' }, practitioner.opener, [owner.bundle.signingPublicKey]), 'SIGNATURE_INVALID');
    expectCode(() => openGrantKey(envelope, { ...grant, vaultId: 'vault-2' }, practitioner.opener, [owner.bundle.signingPublicKey]), 'SIGNATURE_INVALID');
  });

  it('a grant key envelope and an identity envelope are not interchangeable', () => {
    const key = generateGrantKey();
    const asEnvelope = sealEnvelope(key, { vaultId: 'vault-1', documentId: 'grant-1', version: 0 }, practitioner.bundle.encryptionPublicKey, owner.secrets.signingSeed);
    expectCode(() => openGrantKey(asEnvelope, grant, practitioner.opener, [owner.bundle.signingPublicKey]), 'SIGNATURE_INVALID');
  });

  it('round-trips file keys under the grant key', () => {
    const grantKey = generateGrantKey();
    const wrap = wrapForGrant(grantKey, 'grant-1', ref, fileKey);
    expect(wrap.length).toBe(1 + 24 + 32 + 16);
    expect(openGrantWrap(grantKey, 'grant-1', ref, wrap)).toEqual(fileKey);
  });

  it('ATK-11 refuses a grant wrap moved to another grant, vault, document or version', () => {
    const grantKey = generateGrantKey();
    const wrap = wrapForGrant(grantKey, 'grant-1', ref, fileKey);
    expectCode(() => openGrantWrap(grantKey, 'grant-2', ref, wrap), 'DECRYPTION_FAILED');
    for (const moved of [{ ...ref, vaultId: 'vault-2' }, { ...ref, documentId: 'doc-2' }, { ...ref, version: 2 }]) {
      expectCode(() => openGrantWrap(grantKey, 'grant-1', moved, wrap), 'DECRYPTION_FAILED');
    }
  });

  it('wraps many file keys in one call, each with its own nonce, across the nonce-batch boundary', () => {
    const grantKey = generateGrantKey();
    const items = Array.from({ length: 2100 }, (_, i) => ({ ref: { ...ref, documentId: `doc-${i}` }, fileKey: randomBytes(32) }));
    const wraps = wrapManyForGrant(grantKey, 'grant-1', items);
    expect(new Set(wraps.map((wrap) => Buffer.from(wrap.subarray(1, 25)).toString('hex'))).size).toBe(items.length);
    items.forEach((item, i) => {
      expect(openGrantWrap(grantKey, 'grant-1', item.ref, wraps[i]!)).toEqual(item.fileKey);
    });
    expectCode(() => openGrantWrap(grantKey, 'grant-1', items[1]!.ref, wraps[0]!), 'DECRYPTION_FAILED');
  });

  it('ATK-21 a revoked grant key opens nothing wrapped under the new grant', () => {
    const oldKey = generateGrantKey();
    const newKey = generateGrantKey();
    const wrap = wrapForGrant(newKey, 'grant-2', ref, fileKey);
    expectCode(() => openGrantWrap(oldKey, 'grant-2', ref, wrap), 'DECRYPTION_FAILED');
  });

  it('ATK-05 every single-byte change of a grant wrap is a typed error', () => {
    const grantKey = generateGrantKey();
    const wrap = wrapForGrant(grantKey, 'grant-1', ref, fileKey);
    expectCode(() => openGrantWrap(grantKey, 'grant-1', ref, flip(wrap, 0)), 'VERSION_UNSUPPORTED');
    for (let index = 1; index < wrap.length; index++) {
      expectCode(() => openGrantWrap(grantKey, 'grant-1', ref, flip(wrap, index)), 'DECRYPTION_FAILED');
    }
    expectCode(() => openGrantWrap(grantKey, 'grant-1', ref, wrap.subarray(0, 40)), 'FORMAT_INVALID');
    expectCode(() => openGrantWrap(grantKey, 'grant-1', ref, concat(wrap, Uint8Array.of(0))), 'FORMAT_INVALID');
  });
});

describe('vault key envelopes', () => {
  const child = makeIdentity('vault-child', 'vault');
  const parent2 = makeIdentity('parent-2');

  it('gives a manager the vault seeds, and null to anyone else', () => {
    const envelope = sealVaultKeys(child.secrets, 'vault-child', parent2.bundle.encryptionPublicKey);
    expect(openVaultKeys(envelope, child.bundle, parent2.opener)).toEqual(child.secrets);
    expect(openVaultKeys(envelope, child.bundle, practitioner.opener)).toBeNull();
  });

  it('ATK-05 refuses vault keys the server wraps for a manager', () => {
    const serverVault = makeIdentity('vault-child', 'vault');
    const forged = sealVaultKeys(serverVault.secrets, 'vault-child', parent2.bundle.encryptionPublicKey);
    expectCode(() => openVaultKeys(forged, child.bundle, parent2.opener), 'SIGNER_NOT_ALLOWED');
  });

  it('ATK-11 refuses the vault keys of another vault', () => {
    const other = makeIdentity('vault-other', 'vault');
    const envelope = sealVaultKeys(other.secrets, 'vault-other', parent2.bundle.encryptionPublicKey);
    expectCode(() => openVaultKeys(envelope, child.bundle, parent2.opener), 'SIGNER_NOT_ALLOWED');
    const relabelled = sealVaultKeys(child.secrets, 'vault-other', parent2.bundle.encryptionPublicKey);
    expectCode(() => openVaultKeys(relabelled, child.bundle, parent2.opener), 'SIGNATURE_INVALID');
  });

  it('refuses seeds that do not give the vault bundle keys', () => {
    const mixed = sealVaultKeys({ signingSeed: child.secrets.signingSeed, kemSeed: randomBytes(32) }, 'vault-child', parent2.bundle.encryptionPublicKey);
    expectCode(() => openVaultKeys(mixed, child.bundle, parent2.opener), 'KEY_BUNDLE_INVALID');
    expect(() => openVaultKeys(mixed, parent2.bundle, parent2.opener)).toThrow(RangeError);
  });
});
