// The access history as a hash chain with signed checkpoints (ATK-33). The server appends each read as the
// next link of its vault's chain; a manager's client recomputes the whole chain, checks it against the last
// checkpoint a manager signed, then signs a checkpoint of the new head. Rewriting, reordering or deleting
// an entry already covered by a checkpoint is then detected. What a chain cannot show is a read the server
// never recorded, or one it invents after the last checkpoint: those stay the server's word (SPEC.md part 3).
//
//   event     = text vaultId | u64 sequence (>= 1) | fixed32 previousHash (zeros for sequence 1)
//               | text actorAccountId | u8 action (1 envelope-read, 2 payload-read) | text documentId
//               | u32 version | u64 at (ms)
//   eventHash = SHA-256(text("coffre-sante/v1/access-event") | bytes(event))
//
//   body       = u16 version (= 1) | text vaultId | u64 sequence (>= 1) | fixed32 chainHash
//                | text signerAccountId | u64 signedAt (ms)
//   checkpoint = body | fixed64 Ed25519(signer, text("coffre-sante/v1/history-checkpoint") | bytes(body))

import { ByteReader, ByteWriter } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { checkAccountId, labelled, readAccountId } from './identity.ts';
import { constantTimeEqual, ed25519Sign, ed25519Verify, HASH_BYTES, sha256, SIGNATURE_BYTES } from './primitives.ts';

export const ACCESS_EVENT_LABEL = 'coffre-sante/v1/access-event';
export const HISTORY_CHECKPOINT_LABEL = 'coffre-sante/v1/history-checkpoint';
export const HISTORY_CHECKPOINT_VERSION = 1;
export const ACCESS_CHAIN_GENESIS: Uint8Array = new Uint8Array(HASH_BYTES);

const ACTION_CODES = { 'envelope-read': 1, 'payload-read': 2 } as const;
export type ChainedAction = keyof typeof ACTION_CODES;

/** One read, as the chain covers it. */
export interface AccessEventFields {
  sequence: number;
  actorAccountId: string;
  action: ChainedAction;
  documentId: string;
  version: number;
  at: number;
}

/** A link of the chain: the event and the hash the server stored for it. */
export interface ChainedEvent extends AccessEventFields {
  chainHash: Uint8Array;
}

export interface HistoryHead {
  sequence: number;
  hash: Uint8Array;
}

export interface HistoryCheckpoint extends HistoryHead {
  vaultId: string;
  signerAccountId: string;
  signedAt: number;
}

export function accessEventHash(vaultId: string, previousHash: Uint8Array, event: AccessEventFields): Uint8Array {
  if (event.sequence < 1) throw new RangeError('sequence starts at 1');
  const body = new ByteWriter()
    .text(vaultId)
    .u64(event.sequence)
    .fixed(previousHash, HASH_BYTES)
    .text(event.actorAccountId)
    .u8(ACTION_CODES[event.action])
    .text(event.documentId)
    .u32(event.version)
    .u64(event.at)
    .finish();
  return sha256(labelled(ACCESS_EVENT_LABEL, body));
}

/**
 * Recomputes the chain of `events` (oldest first, starting at sequence 1) and returns its head; sequence 0
 * and the genesis hash for no event. CHAIN_BROKEN when a sequence number is skipped or repeated or a stored
 * hash is not the recomputed one.
 */
export function verifyAccessChain(vaultId: string, events: readonly ChainedEvent[]): HistoryHead {
  let head: HistoryHead = { sequence: 0, hash: ACCESS_CHAIN_GENESIS };
  for (const event of events) {
    if (event.sequence !== head.sequence + 1) throw new CryptoError('CHAIN_BROKEN');
    const hash = accessEventHash(vaultId, head.hash, event);
    if (!constantTimeEqual(hash, event.chainHash)) throw new CryptoError('CHAIN_BROKEN');
    head = { sequence: event.sequence, hash };
  }
  return head;
}

export function signHistoryCheckpoint(checkpoint: HistoryCheckpoint, signerSeed: Uint8Array): Uint8Array {
  checkAccountId(checkpoint.signerAccountId);
  if (checkpoint.sequence < 1) throw new RangeError('a checkpoint covers at least one event');
  const body = new ByteWriter()
    .u16(HISTORY_CHECKPOINT_VERSION)
    .text(checkpoint.vaultId)
    .u64(checkpoint.sequence)
    .fixed(checkpoint.hash, HASH_BYTES)
    .text(checkpoint.signerAccountId)
    .u64(checkpoint.signedAt)
    .finish();
  const signature = ed25519Sign(signerSeed, labelled(HISTORY_CHECKPOINT_LABEL, body));
  return new ByteWriter().fixed(body, body.length).fixed(signature, SIGNATURE_BYTES).finish();
}

/**
 * Parses and verifies a checkpoint of `vaultId` signed by one of `signers` (account id -> signing key).
 * FORMAT_INVALID / VERSION_UNSUPPORTED, MANIFEST_MISMATCH (another vault), SIGNER_NOT_ALLOWED,
 * SIGNATURE_INVALID.
 */
export function openHistoryCheckpoint(bytes: Uint8Array, vaultId: string, signers: ReadonlyMap<string, Uint8Array>): HistoryCheckpoint {
  if (bytes.length < 2 + SIGNATURE_BYTES) throw new CryptoError('FORMAT_INVALID');
  const body = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  const reader = new ByteReader(body);
  if (reader.u16() !== HISTORY_CHECKPOINT_VERSION) throw new CryptoError('VERSION_UNSUPPORTED');
  const checkpoint: HistoryCheckpoint = {
    vaultId: reader.text(),
    sequence: reader.u64(),
    hash: reader.fixed(HASH_BYTES),
    signerAccountId: readAccountId(reader),
    signedAt: reader.u64(),
  };
  reader.end();
  if (checkpoint.sequence < 1) throw new CryptoError('FORMAT_INVALID');
  if (checkpoint.vaultId !== vaultId) throw new CryptoError('MANIFEST_MISMATCH');
  const key = signers.get(checkpoint.signerAccountId);
  if (key === undefined) throw new CryptoError('SIGNER_NOT_ALLOWED');
  if (!ed25519Verify(key, labelled(HISTORY_CHECKPOINT_LABEL, body), bytes.subarray(body.length))) {
    throw new CryptoError('SIGNATURE_INVALID');
  }
  return checkpoint;
}

/**
 * Checks a verified chain (its events and head) against a head accepted earlier (a signed checkpoint, or
 * what this client saw before): ROLLBACK when the chain is now shorter, CHAIN_BROKEN when the event at
 * that sequence has another hash.
 */
export function checkChainExtends(events: readonly ChainedEvent[], head: HistoryHead, earlier: HistoryHead): void {
  if (earlier.sequence === 0) return;
  if (head.sequence < earlier.sequence) throw new CryptoError('ROLLBACK');
  const event = events[earlier.sequence - 1];
  if (event === undefined || !constantTimeEqual(event.chainHash, earlier.hash)) throw new CryptoError('CHAIN_BROKEN');
}
