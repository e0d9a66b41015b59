// The access-history chain and its signed checkpoints (crypto/access-chain.ts, ATK-33): the hash is the
// one SPEC.md writes (recomputed here with node:crypto), and every change to an event, its order or a
// checkpoint is refused with its code.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_CHAIN_GENESIS, accessEventHash, checkChainExtends, HISTORY_CHECKPOINT_LABEL, openHistoryCheckpoint, signHistoryCheckpoint,
  verifyAccessChain, type AccessEventFields, type ChainedEvent, type HistoryCheckpoint,
} from '../../crypto/access-chain.ts';
import { labelled } from '../../crypto/identity.ts';
import { ed25519Sign, initPrimitives } from '../../crypto/primitives.ts';
import { concat, expectCode, flip, makeIdentity } from './identity-fixtures.ts';

beforeAll(initPrimitives);

const VAULT = 'vault-1';
const patient = makeIdentity('patient-1');
const other = makeIdentity('patient-2');
const signers = new Map([['patient-1', patient.bundle.signingPublicKey]]);
const AT = 1_790_000_000_000;

function text(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function u64(value: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(value));
  return out;
}

function chainOf(events: readonly AccessEventFields[]): ChainedEvent[] {
  let previous = ACCESS_CHAIN_GENESIS;
  return events.map((event) => {
    const chainHash = accessEventHash(VAULT, previous, event);
    previous = chainHash;
    return { ...event, chainHash };
  });
}

const EVENTS: AccessEventFields[] = [1, 2, 3, 4].map((sequence) => ({
  sequence, actorAccountId: sequence === 3 ? 'dr-1' : 'patient-1', action: sequence % 2 === 0 ? 'payload-read' : 'envelope-read',
  documentId: `doc-${String(sequence)}`, version: 1, at: AT + sequence,
}));

function checkpoint(overrides: Partial<HistoryCheckpoint> = {}): HistoryCheckpoint {
  const chain = chainOf(EVENTS);
  return { vaultId: VAULT, sequence: 4, hash: chain[3]?.chainHash ?? new Uint8Array(32), signerAccountId: 'patient-1', signedAt: AT + 10, ...overrides };
}

describe('access-history chain', () => {
  it('hashes an event exactly as SPEC.md part 3 writes it', () => {
    const event = EVENTS[1] ?? EVENTS[0];
    if (event === undefined) throw new Error('no event');
    const previous = new Uint8Array(32).fill(7);
    const body = Buffer.concat([
      text(VAULT), u64(event.sequence), Buffer.from(previous), text(event.actorAccountId), Buffer.of(2), text(event.documentId),
      Buffer.from([0, 0, 0, 1]), u64(event.at),
    ]);
    const expected = createHash('sha256').update(Buffer.concat([text('coffre-sante/v1/access-event'), lengthPrefixed(body)])).digest();
    expect(Buffer.from(accessEventHash(VAULT, previous, event)).equals(expected)).toBe(true);
  });

  it('verifies an intact chain and returns its head; no event is sequence 0 and the genesis hash', () => {
    const chain = chainOf(EVENTS);
    const head = verifyAccessChain(VAULT, chain);
    expect(head.sequence).toBe(4);
    expect(Buffer.from(head.hash).equals(Buffer.from(chain[3]?.chainHash ?? []))).toBe(true);
    expect(verifyAccessChain(VAULT, [])).toEqual({ sequence: 0, hash: ACCESS_CHAIN_GENESIS });
  });

  it('ATK-33 refuses a changed actor, action, document, version or time, a dropped, repeated or reordered event, and another vault: CHAIN_BROKEN', () => {
    const chain = chainOf(EVENTS);
    const edits: ((events: ChainedEvent[]) => ChainedEvent[])[] = [
      (events) => events.map((event, index) => (index === 2 ? { ...event, actorAccountId: 'patient-1' } : event)),
      (events) => events.map((event, index) => (index === 1 ? { ...event, action: 'envelope-read' } : event)),
      (events) => events.map((event, index) => (index === 0 ? { ...event, documentId: 'doc-9' } : event)),
      (events) => events.map((event, index) => (index === 3 ? { ...event, version: 2 } : event)),
      (events) => events.map((event, index) => (index === 3 ? { ...event, at: event.at + 1 } : event)),
      (events) => events.filter((_, index) => index !== 1),
      (events) => [...events.slice(0, 2), events[1] as ChainedEvent, ...events.slice(2)],
      (events) => [events[1] as ChainedEvent, events[0] as ChainedEvent, ...events.slice(2)],
    ];
    for (const edit of edits) expectCode(() => verifyAccessChain(VAULT, edit(chain)), 'CHAIN_BROKEN');
    expectCode(() => verifyAccessChain('vault-2', chain), 'CHAIN_BROKEN');
  });

  it('ATK-33 a chain rebuilt without one event is refused against an earlier head: CHAIN_BROKEN, and a shorter one ROLLBACK', () => {
    const chain = chainOf(EVENTS);
    const earlier = verifyAccessChain(VAULT, chain.slice(0, 3));
    const rebuilt = chainOf(EVENTS.filter((_, index) => index !== 1).map((event, index) => ({ ...event, sequence: index + 1 })));
    expect(verifyAccessChain(VAULT, rebuilt).sequence).toBe(3);
    expectCode(() => { checkChainExtends(rebuilt, verifyAccessChain(VAULT, rebuilt), earlier); }, 'CHAIN_BROKEN');
    const shorter = chain.slice(0, 2);
    expectCode(() => { checkChainExtends(shorter, verifyAccessChain(VAULT, shorter), earlier); }, 'ROLLBACK');
    expect(() => { checkChainExtends(chain, verifyAccessChain(VAULT, chain), earlier); }).not.toThrow();
  });
});

describe('history checkpoints', () => {
  it('round-trips a checkpoint signed by an allowed signer', () => {
    const signed = signHistoryCheckpoint(checkpoint(), patient.secrets.signingSeed);
    expect(openHistoryCheckpoint(signed, VAULT, signers)).toEqual(checkpoint());
  });

  it('ATK-33 refuses another vault, an unknown signer, a forged or altered signature, trailing bytes, a future version', () => {
    const signed = signHistoryCheckpoint(checkpoint(), patient.secrets.signingSeed);
    expectCode(() => openHistoryCheckpoint(signed, 'vault-2', signers), 'MANIFEST_MISMATCH');
    const byOther = signHistoryCheckpoint(checkpoint({ signerAccountId: 'patient-2' }), other.secrets.signingSeed);
    expectCode(() => openHistoryCheckpoint(byOther, VAULT, signers), 'SIGNER_NOT_ALLOWED');
    const impostor = signHistoryCheckpoint(checkpoint(), other.secrets.signingSeed);
    expectCode(() => openHistoryCheckpoint(impostor, VAULT, signers), 'SIGNATURE_INVALID');
    expectCode(() => openHistoryCheckpoint(flip(signed, signed.length - 1), VAULT, signers), 'SIGNATURE_INVALID');
    // Byte 20 is the last byte of the sequence number: a checkpoint moved to another event.
    expectCode(() => openHistoryCheckpoint(flip(signed, 20), VAULT, signers), 'SIGNATURE_INVALID');
    expectCode(() => openHistoryCheckpoint(concat(signed, Uint8Array.of(0)), VAULT, signers), 'FORMAT_INVALID');
    const future = flip(signed, 1, 0x03);
    expectCode(() => openHistoryCheckpoint(future, VAULT, signers), 'VERSION_UNSUPPORTED');
    expectCode(() => openHistoryCheckpoint(signed.subarray(0, 40), VAULT, signers), 'FORMAT_INVALID');
  });

  it('signs exactly the labelled body: a signature made by hand over it verifies', () => {
    const signed = signHistoryCheckpoint(checkpoint(), patient.secrets.signingSeed);
    const body = signed.subarray(0, signed.length - 64);
    const byHand = concat(body, ed25519Sign(patient.secrets.signingSeed, labelled(HISTORY_CHECKPOINT_LABEL, body)));
    expect(openHistoryCheckpoint(byHand, VAULT, signers).sequence).toBe(4);
  });
});

function lengthPrefixed(body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}
