// The `age` command-line tool (Debian's age 1.1.1, Go) as a baseline and as an independent decryptor for
// cross-checks. All files live in one temporary folder removed by `dispose`.

import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const AGE_BIN = '/usr/bin/age';
const AGE_KEYGEN_BIN = '/usr/bin/age-keygen';

export interface AgeFixture {
  dir: string;
  identityFile: string;
  recipient: string;
  plainFile: string;
  plainBytes: number;
  ageFile: string;
}

interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs a command to completion; stdout is collected only when `collect` is true. */
export function run(command: string, args: readonly string[], collect = false, input?: Uint8Array): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', collect ? 'pipe' : 'ignore', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => { resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr }); });
    if (input !== undefined) child.stdin?.end(input);
  });
}

async function mustRun(command: string, args: readonly string[], collect = false, input?: Uint8Array): Promise<Buffer> {
  const result = await run(command, args, collect, input);
  if (result.code !== 0) throw new Error(`${command} exited with ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Writes `bytes` of random data to `path` in 1 MiB pieces (never the whole file in memory). */
export function writeRandomFile(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  const piece = new Uint8Array(1024 * 1024);
  try {
    for (let done = 0; done < bytes; done += piece.length) {
      randomFillSync(piece);
      writeSync(fd, piece, 0, Math.min(piece.length, bytes - done));
    }
  } finally {
    closeSync(fd);
  }
}

/** Key pair, random plaintext file and its age encryption; undefined when the CLI is not installed. */
export async function createAgeFixture(plainBytes: number): Promise<AgeFixture | undefined> {
  if (!existsSync(AGE_BIN) || !existsSync(AGE_KEYGEN_BIN)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'bench-age-'));
  const identityFile = join(dir, 'key.txt');
  await mustRun(AGE_KEYGEN_BIN, ['-o', identityFile]);
  const recipient = (await mustRun(AGE_KEYGEN_BIN, ['-y', identityFile], true)).toString().trim();
  const plainFile = join(dir, 'plain.bin');
  writeRandomFile(plainFile, plainBytes);
  const ageFile = join(dir, 'plain.bin.age');
  await mustRun(AGE_BIN, ['-r', recipient, '-o', ageFile, plainFile]);
  return { dir, identityFile, recipient, plainFile, plainBytes, ageFile };
}

export async function ageEncryptToNull(fixture: AgeFixture): Promise<void> {
  await mustRun(AGE_BIN, ['-r', fixture.recipient, '-o', '/dev/null', fixture.plainFile]);
}

export async function ageDecryptToNull(fixture: AgeFixture): Promise<void> {
  await mustRun(AGE_BIN, ['-d', '-i', fixture.identityFile, '-o', '/dev/null', fixture.ageFile]);
}

/** Decrypts `file` (bytes) with the CLI and the fixture's identity; used to check our age output. */
export async function ageDecryptBytes(fixture: AgeFixture, file: Uint8Array): Promise<Uint8Array> {
  const path = join(fixture.dir, 'check.age');
  writeFileSync(path, file);
  return new Uint8Array(await mustRun(AGE_BIN, ['-d', '-i', fixture.identityFile, path], true));
}

export function readIdentity(fixture: AgeFixture): string {
  const line = readFileSync(fixture.identityFile, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'));
  if (line === undefined) throw new Error('age-keygen wrote no secret key');
  return line.trim();
}

export function disposeAgeFixture(fixture: AgeFixture | undefined): void {
  if (fixture !== undefined) rmSync(fixture.dir, { recursive: true, force: true });
}
