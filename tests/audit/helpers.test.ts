// The audit tool's building blocks: canary forms and the file scan, the randomness test, file signatures,
// payload sizes and the command line.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { documentPayloadLength } from '../../crypto/document.ts';
import { parseArgs } from '../../tools/audit/args.ts';
import { isPayloadLength } from '../../tools/audit/blob-store-audit.ts';
import { canaryForms } from '../../tools/audit/canary-forms.ts';
import { scanBytes, scanFile } from '../../tools/audit/canary-scan.ts';
import { maskDatabaseUrl, redactSecrets } from '../../shared/database-url.ts';
import { detectFileSignature } from '../../tools/audit/file-signatures.ts';
import { chiSquareThreshold, testRandomness } from '../../tools/audit/randomness.ts';

const dir = mkdtempSync(join(tmpdir(), 'coffre-audit-helpers-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

function fileWith(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('canary forms', () => {
  it('ATK-34 finds a canary embedded at any offset of a base64 or base64url value, and in hex', () => {
    const canary = 'Dr Dupont ?>>>? ordonnance';
    const forms = canaryForms([canary]);
    expect(forms.map((form) => form.form)).toEqual(['raw', 'hex', 'HEX', 'base64+0', 'base64url+0', 'base64+1', 'base64url+1', 'base64+2', 'base64url+2']);
    for (let before = 0; before < 7; before++) {
      const value = Buffer.concat([randomBytes(before), Buffer.from(canary), randomBytes(5)]);
      for (const encoding of ['base64', 'base64url', 'hex'] as const) {
        const text = Buffer.from(`{"field":"${value.toString(encoding)}"}`);
        const hits = scanFile(fileWith('encoded', text), forms);
        expect(hits.length, `${encoding} after ${before} bytes`).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('finds a match across the 1 MiB window boundary once, at its exact offset', () => {
    const canary = 'CANARY-ACROSS-THE-BOUNDARY';
    const bytes = Buffer.alloc(3 * 1024 * 1024, 0x20);
    const offsets = [1024 * 1024 - 10, 2 * 1024 * 1024 - canary.length, 0, bytes.length - canary.length];
    for (const offset of offsets) bytes.write(canary, offset, 'latin1');
    const hits = scanFile(fileWith('large', bytes), canaryForms([canary]));
    expect(hits.filter((hit) => hit.form === 'raw').map((hit) => hit.offset).sort((a, b) => a - b)).toEqual([...offsets].sort((a, b) => a - b));
  });
});

describe('randomness', () => {
  it('uses the 1e-9 upper quantile of chi-square (Wilson–Hilferty)', () => {
    expect(chiSquareThreshold(255)).toBeCloseTo(415, -1);
    expect(chiSquareThreshold(15)).toBeGreaterThan(70);
    expect(chiSquareThreshold(15)).toBeLessThan(80);
  });

  it('passes random bytes of every size and fails text, zeros and a PDF-like stream', () => {
    for (const size of [160, 1000, 4096, 1 << 20]) expect(testRandomness(randomBytes(size)).passed, `${size}`).toBe(true);
    expect(testRandomness(Buffer.from('Hémoglobine 14 g/dL, plaquettes 250 G/L. '.repeat(10))).passed).toBe(false);
    expect(testRandomness(Buffer.alloc(4096)).passed).toBe(false);
    expect(testRandomness(Buffer.concat([randomBytes(3000), Buffer.from('stream\n'.repeat(300))])).passed).toBe(false);
    expect(testRandomness(randomBytes(100)).tooShort).toBe(true);
  });
});

describe('file signatures', () => {
  it('recognises PDF, PNG, JPEG, DICOM, ZIP, JSON, XML and text, and not a payload header', () => {
    const dicom = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), randomBytes(64)]);
    const cases: [Uint8Array, string | null][] = [
      [Buffer.from('%PDF-1.7\n'), 'PDF'],
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'PNG'],
      [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]), 'JPEG'],
      [dicom, 'DICOM'],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 9, 9]), 'ZIP'],
      [Buffer.from('  {"title": "Bilan"}'), 'JSON'],
      [Buffer.from('<?xml version="1.0"?><Bundle/>'), 'XML'],
      [Buffer.from('Compte rendu opératoire\n'), 'text'],
      [Buffer.concat([Buffer.from('CSDP'), Buffer.from([1, 2, 0, 0, 0, 0, 0, 0, 0, 16]), randomBytes(32)]), null],
    ];
    for (const [bytes, expected] of cases) expect(detectFileSignature(bytes)).toBe(expected);
  });
});

describe('payload sizes', () => {
  it('accepts exactly the sizes documentPayloadLength produces', () => {
    const lengths = [0, 1, 7, 100, 1000, 65_528, 65_529, 200_000, 5_000_000];
    for (const length of lengths) {
      const size = documentPayloadLength(length);
      expect(isPayloadLength(size), `${length}`).toBe(true);
      expect(isPayloadLength(size + 1) && isPayloadLength(size - 1)).toBe(false);
    }
    expect(isPayloadLength(0)).toBe(false);
  });
});

describe('command line', () => {
  it('parses repeatable canaries and logs, and refuses a missing --data or an unknown flag', () => {
    expect(parseArgs(['--data', '/d', '--canary', 'a', '--canary=b', '--logs', 'l1', '--json'])).toEqual({ dataDir: '/d', canaries: ['a', 'b'], logs: ['l1'], json: true });
    expect(parseArgs(['--canary', 'a'])).toEqual({ error: '--data DIR or --database-url URL --blobs DIR is required' });
    expect(parseArgs(['--data', '/d', '--verbose'])).toEqual({ error: 'unknown argument: --verbose' });
    expect(parseArgs(['--data'])).toEqual({ error: '--data needs a value' });
    expect(parseArgs(['--data', '/d', '--now', '1764374400000'])).toEqual({ dataDir: '/d', canaries: [], logs: [], json: false, now: 1764374400000 });
    expect(parseArgs(['--data', '/d', '--now=yesterday'])).toEqual({ error: '--now needs milliseconds since the epoch' });
  });

  it('takes --database-url with --blobs instead of --data, and never quotes the URL in an error', () => {
    const url = 'postgres://audit:s3cret@db.example:5432/vault';
    expect(parseArgs(['--database-url', url, '--blobs=/b', '--canary', 'a'])).toEqual({ databaseUrl: url, blobsDir: '/b', canaries: ['a'], logs: [], json: false });
    expect(parseArgs(['--database-url', url])).toEqual({ error: '--database-url URL needs --blobs DIR, the blob folder' });
    expect(parseArgs(['--blobs', '/b'])).toEqual({ error: '--blobs DIR goes with --database-url URL' });
    expect(parseArgs(['--data', '/d', '--database-url', url, '--blobs', '/b'])).toEqual({ error: '--data DIR cannot go with --database-url or --blobs' });
    expect(parseArgs(['--data', '/d', '--blobs', '/b'])).toEqual({ error: '--data DIR cannot go with --database-url or --blobs' });
    expect(parseArgs(['--database-url', 'mysql://root:s3cret@db/vault', '--blobs', '/b'])).toEqual({ error: '--database-url needs a postgres:// or postgresql:// URL' });
  });

  it('masks the password of a database URL, in the user part or as a parameter, and in any message quoting it', () => {
    expect(maskDatabaseUrl('postgres://audit:s3cr%40t@db.example:5432/vault')).toBe('postgres://audit:***@db.example:5432/vault');
    expect(maskDatabaseUrl('postgresql://db.example/vault?user=audit&password=s3cret&sslmode=require')).toBe('postgresql://db.example/vault?user=audit&password=***&sslmode=require');
    expect(maskDatabaseUrl('postgres://audit@db.example/vault')).toBe('postgres://audit@db.example/vault');
    expect(maskDatabaseUrl('not a url s3cret')).not.toContain('s3cret');
    expect(redactSecrets('cannot use s3cr@t or s3cr%40t', 'postgres://audit:s3cr%40t@db/vault')).toBe('cannot use *** or ***');
    expect(redactSecrets('bad password s3cret', 'postgres://db/vault?password=s3cret')).toBe('bad password ***');
  });

  it('finds a canary in bytes held in memory at its offset', () => {
    const [raw] = canaryForms(['CANARY-mem']);
    const bytes = Buffer.concat([Buffer.alloc(100_000, 7), Buffer.from('CANARY-mem'), Buffer.alloc(10)]);
    expect(scanBytes(bytes, 'copy', [raw!])).toEqual([{ path: 'copy', offset: 100_000, canaryIndex: 0, form: 'raw' }]);
  });
});
