// The calls the Node driver makes into the bench page, and what each returns. The page forwards every call
// to a module Worker (where the client runs its crypto), except `transfer`, which measures the hand-over.

import type { Argon2Params } from '../argon2-ops.ts';
import type { PayloadAlgorithm } from '../payload-codec.ts';
import type { VerifyTimings } from '../signature-ops.ts';

export interface PayloadTimings {
  /** Best encrypt and decrypt wall times over `runs` runs each. */
  encryptMs: number;
  decryptMs: number;
  sealedBytes: number;
  runs: number;
}

export interface BenchOps {
  /** Encrypts AES-GCM 1 MiB payloads for `ms` milliseconds (WebCrypto is slow right after start-up). */
  warmup(arg: { ms: number }): Promise<number>;
  /** Generates `size` random bytes in the Worker, round-trips them (checked), then times both ways. */
  payload(arg: { algorithm: PayloadAlgorithm; size: number; runs: number }): Promise<PayloadTimings>;
  /** Raw WebCrypto AES-256-GCM over `size` bytes, one awaited call per 64 KiB chunk: the ceiling. */
  rawAes(arg: { size: number; runs: number }): Promise<{ encryptMs: number; decryptMs: number }>;
  /** Encryption through aes256GcmChunkAead in a loop, then through the bare STREAM (no document format). */
  aesLayers(arg: { size: number; runs: number }): Promise<{ chunkAeadMs: number; streamMs: number }>;
  /** Seals the given plaintext (base64) under the given key: Node opens it with node:crypto. */
  sample(arg: { algorithm: PayloadAlgorithm; keyBase64: string; plaintextBase64: string }): Promise<string>;
  verify(arg: { count: number; nobleCount: number }): Promise<VerifyTimings>;
  argon2(arg: Argon2Params): Promise<number>;
  /** Main thread only: milliseconds to hand `size` bytes to the Worker by transfer, and by copy. */
  transfer(arg: { size: number }): Promise<{ transferMs: number; copyMs: number }>;
}

export type OpName = keyof BenchOps;
export type OpArg<K extends OpName> = Parameters<BenchOps[K]>[0];
export type OpResult<K extends OpName> = Awaited<ReturnType<BenchOps[K]>>;

export interface WorkerRequest {
  id: number;
  op: OpName;
  arg: unknown;
}

export type WorkerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

declare global {
  interface Window {
    benchCall: <K extends OpName>(op: K, arg: OpArg<K>) => Promise<OpResult<K>>;
    benchReady: boolean;
  }
}
