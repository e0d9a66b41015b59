// What the payload benches encrypt: document payload v1 (crypto/document.ts), the format every document
// version is stored in. Shared by the Node and the Chromium benches.

import { aes256GcmChunkAead, chacha20Poly1305ChunkAead } from '../../crypto/chunk-aead.ts';
import type { DocumentContext } from '../../crypto/document-context.ts';
import { createDocumentDecryptor, createDocumentEncryptor, type DocumentAlgorithm } from '../../crypto/document.ts';
import type { ChunkAead } from '../../crypto/stream.ts';

export type PayloadAlgorithm = DocumentAlgorithm;

/** One way to compute a payload AEAD: which algorithm, and a ChunkAead factory for a 32-byte key. */
export interface AeadChoice {
  label: string;
  algorithm: PayloadAlgorithm;
  make: (key: Uint8Array) => ChunkAead;
}

export interface PayloadCodec {
  /** Printed in every row. */
  name: string;
  encryptor: (aead: AeadChoice, fileKey: Uint8Array, length: number) => TransformStream<Uint8Array, Uint8Array>;
  decryptor: (aead: AeadChoice, fileKey: Uint8Array) => TransformStream<Uint8Array, Uint8Array>;
}

export const WEBCRYPTO_AES: AeadChoice = { label: 'WebCrypto AES-256-GCM', algorithm: 'aes-256-gcm', make: aes256GcmChunkAead };
export const NOBLE_CHACHA: AeadChoice = { label: 'noble ChaCha20-Poly1305', algorithm: 'chacha20-poly1305', make: chacha20Poly1305ChunkAead };

export const BENCH_CONTEXT: DocumentContext = { vaultId: 'vault-bench', documentId: 'document-bench', version: 1 };

/** Every implementation goes through crypto/document.ts, injected as its ChunkAead factory. */
export const PAYLOAD_CODEC: PayloadCodec = {
  name: 'document',
  encryptor: (aead, fileKey, length) =>
    createDocumentEncryptor(fileKey, BENCH_CONTEXT, length, { algorithm: aead.algorithm, chunkAead: (_algorithm, key) => aead.make(key) }),
  decryptor: (aead, fileKey) =>
    createDocumentDecryptor(fileKey, BENCH_CONTEXT, { chunkAead: (_algorithm, key) => aead.make(key) }),
};
