// Invitations to co-manage a record (crypto/invite.ts, SPEC.md part 3 section 12): a secret derived from the
// vault seeds, a code carrying it with the vault's keys hash prefix, and a proof bound to the invitee's bundle.
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { keysHash } from '../../crypto/fingerprint.ts';
import { checkInviteProof, formatInviteCode, inviteProof, inviteSecret, matchesKeysHashPrefix, parseInviteCode } from '../../crypto/invite.ts';
import { initPrimitives, randomBytes } from '../../crypto/primitives.ts';
import { codeOf, concat, expectCode, flip, makeIdentity } from './identity-fixtures.ts';

beforeAll(initPrimitives);

const vault = makeIdentity('vault-1', 'vault');
const invitee = makeIdentity('caregiver-1', 'patient');
const serverMade = makeIdentity('caregiver-1', 'patient');
const newId = (): string => Buffer.from(randomBytes(16)).toString('base64url');
const VAULT_ID = newId();
const INVITE_ID = newId();

/** text(s) as SPEC.md writes it: u32 big-endian length, then the UTF-8 bytes. */
function text(value: string | Uint8Array): Buffer {
  const utf8 = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(utf8.length);
  return Buffer.concat([length, utf8]);
}

function expectedSecret(inviteId: string): Uint8Array {
  const ikm = concat(vault.secrets.signingSeed, vault.secrets.kemSeed);
  return new Uint8Array(hkdfSync('sha256', ikm, new Uint8Array(0), Buffer.concat([text('coffre-sante/v1/invite-secret'), text(inviteId)]), 16));
}

function codeFor(secret = inviteSecret(vault.secrets, INVITE_ID)): string {
  return formatInviteCode({ vaultId: VAULT_ID, inviteId: INVITE_ID, secret, vaultKeysHash: keysHash(vault.bundle) });
}

const context = (bundle: Uint8Array = invitee.bundleBytes) => ({ vaultId: VAULT_ID, inviteId: INVITE_ID, inviteeBundle: bundle });

describe('invite secret and code', () => {
  it('derives the secret as SPEC.md writes it (node:crypto HKDF), one per invitation', () => {
    const secret = inviteSecret(vault.secrets, INVITE_ID);
    expect(secret).toEqual(expectedSecret(INVITE_ID));
    expect(secret.length).toBe(16);
    expect(inviteSecret(vault.secrets, newId())).not.toEqual(secret);
    expect(inviteSecret(invitee.secrets, INVITE_ID)).not.toEqual(secret);
  });

  it('formats the code as the prefix and base64url of vaultId | inviteId | secret | keysHash[0..16] | check', () => {
    const secret = inviteSecret(vault.secrets, INVITE_ID);
    const fingerprintHash = createHash('sha256')
      .update(Buffer.concat([text('coffre-sante/v1/fingerprint'), Buffer.from(vault.bundle.signingPublicKey), Buffer.from(vault.bundle.encryptionPublicKey)]))
      .digest();
    const body = Buffer.concat([Buffer.from(VAULT_ID, 'base64url'), Buffer.from(INVITE_ID, 'base64url'), Buffer.from(secret), fingerprintHash.subarray(0, 16)]);
    const check = createHash('sha256').update(Buffer.concat([text('coffre-sante/v1/invite-code-check'), text(body)])).digest().subarray(0, 4);
    const code = codeFor(secret);
    expect(code).toBe(`coffre-sante:inv1:${Buffer.concat([body, check]).toString('base64url')}`);
    expect(code.length).toBe(18 + 91);
  });

  it('parses its own code back, tolerating surrounding whitespace', () => {
    const secret = inviteSecret(vault.secrets, INVITE_ID);
    const parsed = parseInviteCode(`  \n${codeFor(secret)}\t `);
    expect(parsed).toEqual({ vaultId: VAULT_ID, inviteId: INVITE_ID, secret, keysHashPrefix: keysHash(vault.bundle).subarray(0, 16) });
    expect(matchesKeysHashPrefix(parsed.keysHashPrefix, vault.bundle)).toBe(true);
  });

  it('ATK-03 the keys hash prefix tells the vault bundle from one the server made', () => {
    const parsed = parseInviteCode(codeFor());
    expect(matchesKeysHashPrefix(parsed.keysHashPrefix, makeIdentity('vault-1', 'vault').bundle)).toBe(false);
    expect(matchesKeysHashPrefix(flip(parsed.keysHashPrefix, 15), vault.bundle)).toBe(false);
  });

  it('refuses malformed codes with FORMAT_INVALID and other versions with VERSION_UNSUPPORTED', () => {
    const code = codeFor();
    const payload = code.slice('coffre-sante:inv1:'.length);
    const malformed = [
      '',
      payload,
      `coffre-sante:fp1:${payload}`,
      `coffre-sante:inv:${payload}`,
      `COFFRE-SANTE:INV1:${payload}`,
      code.slice(0, -1),
      `${code}A`,
      `${code}AA`,
      `${code}=`,
      `coffre-sante:inv1:${payload.slice(0, 40)} ${payload.slice(40)}`,
      `coffre-sante:inv1:${payload.slice(0, -6)}`,
      `coffre-sante:inv1:${Buffer.from(payload, 'base64url').subarray(0, 64).toString('base64url')}`,
      `coffre-sante:inv1:${payload.replace(/[-_]/g, '+')}${/[-_]/.test(payload) ? '' : '+'}`,
      `coffre-sante:inv1:${payload.slice(0, -1)}${payload.endsWith('B') ? 'C' : 'B'}`,
    ];
    for (const text of malformed) expect([text, codeOf(() => parseInviteCode(text))]).toEqual([text, 'FORMAT_INVALID']);
    expectCode(() => parseInviteCode(`coffre-sante:inv2:${payload}`), 'VERSION_UNSUPPORTED');
    expectCode(() => parseInviteCode(`coffre-sante:inv0:${payload}`), 'VERSION_UNSUPPORTED');
    expectCode(() => parseInviteCode(`coffre-sante:inv01:${payload}`), 'VERSION_UNSUPPORTED');
  });

  it('treats ids that are not 16 base64url bytes and a bad secret as caller misuse', () => {
    const fields = { vaultId: VAULT_ID, inviteId: INVITE_ID, secret: inviteSecret(vault.secrets, INVITE_ID), vaultKeysHash: keysHash(vault.bundle) };
    expect(() => formatInviteCode({ ...fields, vaultId: 'vault-1' })).toThrow(RangeError);
    expect(() => formatInviteCode({ ...fields, inviteId: Buffer.from(randomBytes(17)).toString('base64url') })).toThrow(RangeError);
    expect(() => formatInviteCode({ ...fields, secret: new Uint8Array(15) })).toThrow(RangeError);
    expect(() => inviteSecret(vault.secrets, '')).toThrow(RangeError);
  });
});

describe('invite proof', () => {
  it('computes the proof as SPEC.md writes it (node:crypto HMAC) and checks it', () => {
    const secret = inviteSecret(vault.secrets, INVITE_ID);
    const message = Buffer.concat([text('coffre-sante/v1/invite-proof'), text(Buffer.concat([text(VAULT_ID), text(INVITE_ID), text(invitee.bundleBytes)]))]);
    const expected = new Uint8Array(createHmac('sha256', secret).update(message).digest());
    const proof = inviteProof(secret, context());
    expect(proof).toEqual(expected);
    expect(() => { checkInviteProof(secret, context(), proof); }).not.toThrow();
  });

  it('ATK-03 a proof made for another bundle (the server’s) fails', () => {
    const secret = parseInviteCode(codeFor()).secret;
    const proof = inviteProof(secret, context());
    expectCode(() => { checkInviteProof(secret, context(serverMade.bundleBytes), proof); }, 'SIGNATURE_INVALID');
  });

  it('a proof without the secret, for another invitation or vault, or altered anywhere fails', () => {
    const secret = inviteSecret(vault.secrets, INVITE_ID);
    const proof = inviteProof(secret, context());
    expectCode(() => { checkInviteProof(secret, context(), inviteProof(randomBytes(16), context())); }, 'SIGNATURE_INVALID');
    expectCode(() => { checkInviteProof(secret, { ...context(), inviteId: newId() }, proof); }, 'SIGNATURE_INVALID');
    expectCode(() => { checkInviteProof(secret, { ...context(), vaultId: newId() }, proof); }, 'SIGNATURE_INVALID');
    for (let index = 0; index < proof.length; index++) {
      expect(codeOf(() => { checkInviteProof(secret, context(), flip(proof, index)); })).toBe('SIGNATURE_INVALID');
    }
    expectCode(() => { checkInviteProof(secret, context(), proof.subarray(0, 31)); }, 'SIGNATURE_INVALID');
    expectCode(() => { checkInviteProof(secret, context(), new Uint8Array(0)); }, 'SIGNATURE_INVALID');
  });

  it('every single-byte change of the invitee bundle breaks the proof', () => {
    const secret = inviteSecret(vault.secrets, INVITE_ID);
    const proof = inviteProof(secret, context());
    const bundle = invitee.bundleBytes;
    for (let index = 0; index < bundle.length; index++) {
      expect(codeOf(() => { checkInviteProof(secret, context(flip(bundle, index)), proof); })).toBe('SIGNATURE_INVALID');
    }
    expectCode(() => { checkInviteProof(secret, context(concat(bundle, Uint8Array.of(0))), proof); }, 'SIGNATURE_INVALID');
  });

  it('a code with any single character changed is refused before anything is sent (checksum)', () => {
    // Fixed fields, so the ~7,000 changed codes are the same at every run: the outcome cannot vary by chance.
    const code = formatInviteCode({ vaultId: 'AAECAwQFBgcICQoLDA0ODw', inviteId: 'EBESExQVFhcYGRobHB0eHw', secret: new Uint8Array(16).fill(7), vaultKeysHash: new Uint8Array(32).fill(9) });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let index = 0; index < code.length; index++) {
      for (const typed of alphabet) {
        if (typed === code[index]) continue;
        const changed = code.slice(0, index) + typed + code.slice(index + 1);
        expect([changed, codeOf(() => parseInviteCode(changed))]).toEqual([changed, expect.stringMatching(/^(FORMAT_INVALID|VERSION_UNSUPPORTED)$/)]);
      }
    }
  });

  it('a code with one byte changed anywhere and its check left as it was is refused (checksum)', () => {
    const raw = Buffer.from(codeFor().slice('coffre-sante:inv1:'.length), 'base64url');
    for (const index of [0, 16, 32, 47, 48, 63, 64, 67]) {
      const changed = `coffre-sante:inv1:${Buffer.from(flip(raw, index)).toString('base64url')}`;
      expect([index, codeOf(() => parseInviteCode(changed))]).toEqual([index, 'FORMAT_INVALID']);
    }
  });
});
