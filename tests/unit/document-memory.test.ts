// Memory for a document does not depend on its size (DESIGN property 5): 64 MiB go through the real
// encryptor and decryptor, piped, while live memory (heap + ArrayBuffers, measured after a forced GC)
// stays within a few MiB of where it started. Speed is the benchmark's business, not this test's.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { DocumentContext } from '../../crypto/document-context.ts';
import { createDocumentDecryptor, createDocumentEncryptor, documentPayloadLength } from '../../crypto/document.ts';
import { patternBytes } from './stream-harness.ts';

const TOTAL = 64 * 1024 * 1024;
const SLICE = 1024 * 1024;
const CONTEXT: DocumentContext = { vaultId: 'v-mem', documentId: 'd-mem', version: 1 };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function liveBytes(): number {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

describe('document payload memory', () => {
  it('64 MiB through encryptor and decryptor keep live memory bounded by a few MiB', async () => {
    const pattern = patternBytes(SLICE, 5); // every slice is this same, never mutated, buffer
    let produced = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (produced === TOTAL) {
          controller.close();
          return;
        }
        controller.enqueue(pattern);
        produced += SLICE;
      },
    }, { highWaterMark: 0 });

    let sealedBytes = 0;
    const countSealed = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        sealedBytes += chunk.length;
        controller.enqueue(chunk);
      },
    });

    const baseline = liveBytes();
    let peakGrowth = 0;
    let received = 0;
    let mismatches = 0;
    let nextSample = 0;
    const sink = new WritableStream<Uint8Array>({
      write(chunk) {
        // The plaintext repeats `pattern`; compare this piece against the matching window of it.
        for (let offset = 0; offset < chunk.length;) {
          const at = (received + offset) % SLICE;
          const n = Math.min(chunk.length - offset, SLICE - at);
          if (Buffer.compare(chunk.subarray(offset, offset + n), pattern.subarray(at, at + n)) !== 0) mismatches++;
          offset += n;
        }
        received += chunk.length;
        if (received >= nextSample) {
          peakGrowth = Math.max(peakGrowth, liveBytes() - baseline);
          nextSample += 4 * SLICE;
        }
      },
    });

    await source
      .pipeThrough(createDocumentEncryptor(patternBytes(32, 9), CONTEXT, TOTAL))
      .pipeThrough(countSealed)
      .pipeThrough(createDocumentDecryptor(patternBytes(32, 9), CONTEXT))
      .pipeTo(sink);

    expect(received).toBe(TOTAL);
    expect(mismatches).toBe(0);
    expect(sealedBytes).toBe(documentPayloadLength(TOTAL));
    // A design that buffered the document would hold >= 64 MiB here; one chunk in flight per stage is
    // well under 1 MiB. 8 MiB leaves room for GC timing and the test's own 1 MiB pattern.
    expect(peakGrowth).toBeLessThan(8 * 1024 * 1024);
    console.info(`document 64 MiB round trip: peak live-memory growth ${(peakGrowth / 1024 / 1024).toFixed(2)} MiB`);
  });
});
