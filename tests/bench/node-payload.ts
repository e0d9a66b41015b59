// Document payload throughput in Node, in memory, for each ChunkAead, at a small and a large size. Each
// (AEAD, size) is checked before its figures count: what it seals, another implementation of the same
// algorithm opens back to the input (node:crypto <-> noble or WebCrypto through crypto/document.ts).

import { randomBytes } from 'node:crypto';
import { nodeAes256GcmChunkAead, nodeChaCha20Poly1305ChunkAead } from '../../client/cli/node-chunk-aead.ts';
import { BASE_AGE_DEC, BASE_AGE_ENC, BASE_CHACHA, BASE_CHACHA_DEC, timeWithBaselines } from './baselines.ts';
import { CONFIG, MiB, formatSize } from './config.ts';
import { BenchCheckError, assertEqualBytes } from './crosscheck.ts';
import { NOBLE_CHACHA, PAYLOAD_CODEC, WEBCRYPTO_AES, type AeadChoice } from './payload-codec.ts';
import { pumpCollect, pumpCount, sourceFromBytes } from './streams.ts';
import type { Results } from './table.ts';
import { mbPerSecond } from './timing.ts';

export const NODE_CHACHA: AeadChoice = { label: 'node:crypto ChaCha20-Poly1305', algorithm: 'chacha20-poly1305', make: nodeChaCha20Poly1305ChunkAead };
export const NODE_AES: AeadChoice = { label: 'node:crypto AES-256-GCM', algorithm: 'aes-256-gcm', make: nodeAes256GcmChunkAead };

/** The implementation that opens what `aead` sealed in the cross-check: same algorithm, other code. */
function otherImplementation(aead: AeadChoice): AeadChoice {
  if (aead.algorithm === 'aes-256-gcm') return aead === NODE_AES ? WEBCRYPTO_AES : NODE_AES;
  return aead === NODE_CHACHA ? NOBLE_CHACHA : NODE_CHACHA;
}

/** The fast node:crypto implementation of `aead`'s algorithm (checks at the large size). */
function nodeImplementation(aead: AeadChoice): AeadChoice {
  return aead.algorithm === 'aes-256-gcm' ? NODE_AES : NODE_CHACHA;
}

/** Opens `sealed` with `opener` and compares with `data`; throws BenchCheckError on any difference. */
export async function checkOpens(opener: AeadChoice, sealedBy: string, key: Uint8Array, sealed: Uint8Array, data: Uint8Array): Promise<void> {
  const what = `${PAYLOAD_CODEC.name} sealed by ${sealedBy}, opened by ${opener.label}`;
  let opened: Uint8Array;
  try {
    opened = await pumpCollect(sourceFromBytes(sealed), PAYLOAD_CODEC.decryptor(opener, key));
  } catch (error) {
    throw new BenchCheckError(`cross-check failed (decryption threw): ${what}`, { cause: error });
  }
  assertEqualBytes(opened, data, what);
}

// Small sizes: checked against another implementation, then timed several times after a warm-up. Large
// sizes: the collecting encryption (which allocates the whole blob) is not timed; one or more timed runs
// follow, more only while they are quick, so pure-JS ChaCha at 256 MiB costs a few passes, not ten. The
// large-size check opens with node:crypto (the small size already compared the implementations).
async function benchOne(results: Results, aead: AeadChoice, data: Uint8Array): Promise<void> {
  const key = new Uint8Array(randomBytes(32));
  const large = data.length >= 64 * MiB;
  const sealed = await pumpCollect(sourceFromBytes(data), PAYLOAD_CODEC.encryptor(aead, key, data.length));
  await checkOpens(large ? nodeImplementation(aead) : otherImplementation(aead), aead.label, key, sealed, data);
  const encrypt = (): Promise<number> => pumpCount(sourceFromBytes(data), PAYLOAD_CODEC.encryptor(aead, key, data.length));
  const decrypt = (): Promise<number> => pumpCount(sourceFromBytes(sealed), PAYLOAD_CODEC.decryptor(aead, key));
  const options = large ? { warmup: false, minRuns: 1, minTotalMs: 1500, maxRuns: 3 } : {};
  const enc = await timeWithBaselines(results, encrypt, [BASE_CHACHA, BASE_AGE_ENC], options);
  const dec = await timeWithBaselines(results, decrypt, [BASE_CHACHA_DEC, BASE_AGE_DEC], options);
  const encMs = enc.bestMs;
  const isCli = aead === NODE_CHACHA && large;
  const section = 'Node payload (in memory)';
  const what = `${PAYLOAD_CODEC.name} ${formatSize(data.length)}, ${aead.label}`;
  const note = `blob ${formatOverhead(sealed.length, data.length)}; best of ${enc.runs} / ${dec.runs}`;
  results.add({ section, operation: `encrypt ${what}`, value: mbPerSecond(data.length, encMs), unit: 'MB/s', against: [BASE_CHACHA, BASE_AGE_ENC], target: isCli ? '>= 0.80x age CLI' : '', note });
  results.add({ section, operation: `decrypt ${what}`, value: mbPerSecond(data.length, dec.bestMs), unit: 'MB/s', against: [BASE_CHACHA_DEC, BASE_AGE_DEC], target: isCli ? '>= 0.80x age CLI' : '', note });
}

export function formatOverhead(sealed: number, plain: number): string {
  return `+${(((sealed - plain) / plain) * 100).toFixed(2)}%`;
}

export async function runNodePayload(results: Results): Promise<void> {
  for (const size of CONFIG.payloadSizes) {
    const data = new Uint8Array(randomBytes(size));
    for (const aead of [NODE_CHACHA, NODE_AES, WEBCRYPTO_AES, NOBLE_CHACHA]) await benchOne(results, aead, data);
  }
}
