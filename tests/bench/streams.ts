// Web-stream sources and sinks for the payload benches: the same ReadableStream/WritableStream shapes the
// clients use, so the per-chunk cost of the streams machinery is part of what is measured. No node:
// import: the Chromium page bundles this file too.

import { concatParts as concat } from '../../crypto/bytes.ts';

/** Fills `bytes` from the platform CSPRNG (getRandomValues takes at most 65,536 bytes per call). */
export function fillRandom<T extends Uint8Array>(bytes: T): T {
  for (let offset = 0; offset < bytes.length; offset += 65_536) {
    globalThis.crypto.getRandomValues(bytes.subarray(offset, offset + 65_536));
  }
  return bytes;
}

/** Feeds `data` as `piece`-byte views (no copy), as a file reader hands out its buffers. */
export function sourceFromBytes(data: Uint8Array, piece = 1024 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= data.length) {
        controller.close();
        return;
      }
      controller.enqueue(data.subarray(offset, offset + piece));
      offset += piece;
    },
  });
}

/**
 * Generates `total` random bytes in fresh `piece`-byte buffers, never holding more than the stream's queue:
 * the memory bench uses it so that the input itself does not grow with the size. `onPull` runs per piece.
 */
export function generatedSource(total: number, onPull: () => void, piece = 1024 * 1024): ReadableStream<Uint8Array> {
  let produced = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      onPull();
      if (produced >= total) {
        controller.close();
        return;
      }
      const bytes = new Uint8Array(Math.min(piece, total - produced));
      fillRandom(bytes);
      produced += bytes.length;
      controller.enqueue(bytes);
    },
  });
}

/** Counts bytes and drops them. */
export function countingSink(): { sink: WritableStream<Uint8Array>; bytes: () => number } {
  let count = 0;
  const sink = new WritableStream<Uint8Array>({ write(chunk) { count += chunk.length; } });
  return { sink, bytes: () => count };
}

/** Runs `source` through `transform` into a counting sink; returns the output length. */
export async function pumpCount(source: ReadableStream<Uint8Array>, transform: TransformStream<Uint8Array, Uint8Array>): Promise<number> {
  const { sink, bytes } = countingSink();
  await source.pipeThrough(transform).pipeTo(sink);
  return bytes();
}

/** Runs `source` through `transform` and returns the output, concatenated. */
export async function pumpCollect(source: ReadableStream<Uint8Array>, transform: TransformStream<Uint8Array, Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await source.pipeThrough(transform).pipeTo(new WritableStream({ write(chunk) { parts.push(chunk); } }));
  return concat(parts);
}

export { concat };
