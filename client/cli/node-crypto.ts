// The document ChunkAead factory of the CLI: node:crypto (OpenSSL) for both payload algorithms, same bytes
// as the pure implementations (tests/unit/node-chunk-aead.test.ts), several times faster.
import type { ChunkAeadFactory } from '../../crypto/document.ts';
import { nodeAes256GcmChunkAead, nodeChaCha20Poly1305ChunkAead } from './node-chunk-aead.ts';

export const nodeChunkAead: ChunkAeadFactory = (algorithm, key) =>
  algorithm === 'aes-256-gcm' ? nodeAes256GcmChunkAead(key) : nodeChaCha20Poly1305ChunkAead(key);
