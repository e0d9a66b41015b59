// Reads the official vectors in ../shared/vectors (never copied into the repo) for the primitive tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_VECTORS } from '../paths.ts';

export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';

export interface WycheproofTest {
  tcId: number;
  flags?: string[];
  result: WycheproofResult;
}

export interface WycheproofFile<Group> {
  algorithm: string;
  numberOfTests: number;
  testGroups: Group[];
}

export function readVectorText(relativePath: string): string {
  return readFileSync(join(SHARED_VECTORS, relativePath), 'utf8');
}

export function readVectorBytes(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(join(SHARED_VECTORS, relativePath)));
}

export function loadWycheproof<Group>(fileName: string): WycheproofFile<Group> {
  return JSON.parse(readVectorText(join('wycheproof', fileName))) as WycheproofFile<Group>;
}

export function hex(value: string): Uint8Array {
  return new Uint8Array(Buffer.from(value, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** "tcId 12 [Flag1,Flag2]: what went wrong", for failure lists that name the vector. */
export function describeFailure(test: WycheproofTest, problem: string): string {
  return `tcId ${test.tcId} [${(test.flags ?? []).join(',')}]: ${problem}`;
}

/** Parses CCTV "name = hex" lines into a map. */
export function parseCctvAssignments(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(\S+) = ([0-9a-f]*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) values.set(match[1], match[2]);
  }
  return values;
}

/** A Wycheproof AEAD test (aead_test_schema_v1): `ct` excludes the tag; sealed output is ct || tag. */
export interface AeadTest extends WycheproofTest {
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
}

export interface AeadGroup {
  ivSize: number;
  keySize: number;
  tagSize: number;
  tests: AeadTest[];
}
