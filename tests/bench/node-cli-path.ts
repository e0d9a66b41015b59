// The command-line client's path, shaped like the `age` CLI baseline: a file in the page cache is read,
// encrypted (or decrypted) as a document payload through node:crypto, and written to /dev/null. The same
// 256 MiB file as the age rows, so the ratio compares equal work.
//
// I/O shape: 1 MiB FileHandle reads into fresh buffers, and synchronous writes. Measured interleaved on
// 256 MiB (load ~1): Readable.toWeb + Writable.toWeb 303 MB/s, Readable.toWeb + sync writes 447, this
// shape 529, the same crypto from memory to nowhere 814: the Node stream adapters cost more than the
// file itself, so a CLI should not use them.

import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgeFixture } from './age-cli.ts';
import { BASE_AGE_DEC, BASE_AGE_ENC, BASE_CHACHA, BASE_CHACHA_DEC, timeWithBaselines } from './baselines.ts';
import { formatSize } from './config.ts';
import { assertTrue } from './crosscheck.ts';
import { NODE_AES, NODE_CHACHA } from './node-payload.ts';
import { PAYLOAD_CODEC, type AeadChoice } from './payload-codec.ts';
import type { Results } from './table.ts';
import { mbPerSecond } from './timing.ts';

const READ_PIECE = 1024 * 1024;

/** Reads `path` in READ_PIECE pieces, each into a fresh buffer (a consumer may keep views of it). */
function fileSource(path: string): ReadableStream<Uint8Array> {
  let handle: FileHandle | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      handle ??= await open(path, 'r');
      const piece = new Uint8Array(READ_PIECE);
      const { bytesRead } = await handle.read(piece, 0, piece.length, null);
      if (bytesRead > 0) {
        controller.enqueue(piece.subarray(0, bytesRead));
        return;
      }
      await handle.close();
      controller.close();
    },
    async cancel() {
      await handle?.close();
    },
  });
}

/** Writes each chunk synchronously: a CLI has nothing else to do meanwhile, and it skips a threadpool hop. */
function fileSink(path: string): WritableStream<Uint8Array> {
  const fd = openSync(path, 'w');
  return new WritableStream<Uint8Array>({
    write(chunk) { writeSync(fd, chunk); },
    close() { closeSync(fd); },
    abort() { closeSync(fd); },
  });
}

async function sha256OfStream(stream: ReadableStream<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  await stream.pipeTo(new WritableStream({ write(chunk) { hash.update(chunk); } }));
  return hash.digest('hex');
}

async function benchFile(results: Results, fixture: AgeFixture, aead: AeadChoice): Promise<void> {
  const key = new Uint8Array(randomBytes(32));
  const size = fixture.plainBytes;
  const blob = join(fixture.dir, 'document.bin');
  await fileSource(fixture.plainFile).pipeThrough(PAYLOAD_CODEC.encryptor(aead, key, size)).pipeTo(fileSink(blob));
  const opened = await sha256OfStream(fileSource(blob).pipeThrough(PAYLOAD_CODEC.decryptor(aead, key)));
  assertTrue(opened === await sha256OfStream(fileSource(fixture.plainFile)), `${aead.label} file round trip`);
  const options = { minRuns: 2, minTotalMs: 0 };
  const encrypt = (): Promise<void> => fileSource(fixture.plainFile).pipeThrough(PAYLOAD_CODEC.encryptor(aead, key, size)).pipeTo(fileSink('/dev/null'));
  const decrypt = (): Promise<void> => fileSource(blob).pipeThrough(PAYLOAD_CODEC.decryptor(aead, key)).pipeTo(fileSink('/dev/null'));
  const enc = await timeWithBaselines(results, encrypt, [BASE_AGE_ENC, BASE_CHACHA], options);
  const dec = await timeWithBaselines(results, decrypt, [BASE_AGE_DEC, BASE_CHACHA_DEC], options);
  const section = 'Node CLI path (file)';
  const what = `${formatSize(size)} file to /dev/null, ${aead.label}`;
  const target = '>= 0.80x age CLI';
  results.add({ section, operation: `encrypt ${what}`, value: mbPerSecond(size, enc.bestMs), unit: 'MB/s', against: [BASE_AGE_ENC, BASE_CHACHA], target, note: `document payload, same file as age; best of ${enc.runs}` });
  results.add({ section, operation: `decrypt ${what}`, value: mbPerSecond(size, dec.bestMs), unit: 'MB/s', against: [BASE_AGE_DEC, BASE_CHACHA_DEC], target, note: `document payload, same file as age; best of ${dec.runs}` });
}

export async function runNodeCliPath(results: Results, fixture: AgeFixture | undefined): Promise<void> {
  if (fixture === undefined) {
    results.skip('CLI path rows', '/usr/bin/age not found (the rows share its file)');
    return;
  }
  for (const aead of [NODE_CHACHA, NODE_AES]) await benchFile(results, fixture, aead);
}
