// One blob file: read once, front to back, in 1 MiB pieces. Checks that it is a document payload (CSDP
// header with an allowed version and algorithm, parseDocumentHeader), that its size is the one its padded
// length implies (46 + sealedStreamLength(paddedLength)), that it starts like no known plaintext file,
// and that the ciphertext after the header passes the randomness test. Returns its SHA-256, which the
// signed manifest must name.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { DOCUMENT_HEADER_BYTES, parseDocumentHeader, type DocumentHeader } from '../../crypto/document.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import { sealedStreamLength } from '../../crypto/stream.ts';
import { detectFileSignature } from './file-signatures.ts';
import type { Findings } from './findings.ts';
import { ByteHistogram } from './randomness.ts';

const PIECE_BYTES = 1024 * 1024;
const HEAD_BYTES = 512;

export interface BlobFacts {
  size: number;
  sha256: Uint8Array;
  header: DocumentHeader | null;
}

/**
 * Audits the blob at `path`. `complete` is false for an upload in progress (blobs/tmp): its size is
 * checked against the announced size by the caller, and a prefix shorter than the header is not an error.
 */
export function auditBlobFile(path: string, findings: Findings, complete = true): BlobFacts {
  const hash = createHash('sha256');
  const histogram = new ByteHistogram();
  const head = Buffer.alloc(HEAD_BYTES);
  let headLength = 0;
  let size = 0;
  forEachPiece(path, (piece) => {
    hash.update(piece);
    const intoHead = Math.min(piece.length, HEAD_BYTES - headLength);
    if (intoHead > 0) headLength += piece.copy(head, headLength, 0, intoHead);
    const skip = Math.max(0, Math.min(piece.length, DOCUMENT_HEADER_BYTES - size));
    histogram.add(piece.subarray(skip));
    size += piece.length;
  });
  const headBytes = head.subarray(0, headLength);
  const signature = detectFileSignature(headBytes);
  if (signature !== null) findings.error('plaintext-signature', `${path} @ byte 0`, `the blob starts like a ${signature} file`);
  const header = checkHeader(path, headBytes, size, complete, findings);
  checkRandomness(path, histogram, findings);
  return { size, sha256: new Uint8Array(hash.digest()), header };
}

function checkHeader(path: string, head: Uint8Array, size: number, complete: boolean, findings: Findings): DocumentHeader | null {
  if (head.length < DOCUMENT_HEADER_BYTES) {
    if (complete || head.length > 0) findings.add(complete ? 'ERROR' : 'INFO', 'payload-header', `${path} @ byte 0`, `${size} bytes: shorter than the 46-byte payload header`);
    return null;
  }
  let header: DocumentHeader;
  try {
    header = parseDocumentHeader(head.subarray(0, DOCUMENT_HEADER_BYTES));
  } catch (error) {
    const code = isCryptoError(error) ? error.code : 'unexpected';
    findings.error('payload-header', `${path} @ byte 0`, `not a document payload header (${code})`);
    return null;
  }
  const expected = DOCUMENT_HEADER_BYTES + sealedStreamLength(header.paddedLength);
  if (complete ? size !== expected : size > expected) {
    findings.error('payload-length', `${path} @ byte ${size}`, `${size} bytes, but the header's padded length ${header.paddedLength} gives ${expected}`);
  }
  return header;
}

function checkRandomness(path: string, histogram: ByteHistogram, findings: Findings): void {
  const result = histogram.result();
  const where = `${path} @ byte ${DOCUMENT_HEADER_BYTES}`;
  if (result.tooShort) {
    findings.info('randomness-skipped', where, `${result.sampleBytes} ciphertext bytes: too few for the randomness test`);
  } else if (!result.passed) {
    const stats = `chi-square ${result.chiSquare.toFixed(1)} over ${result.bins} bins > ${result.threshold.toFixed(1)}`;
    findings.error('payload-not-random', where, `byte frequencies of ${result.sampleBytes} bytes are not uniform (${stats})`);
  }
}

function forEachPiece(path: string, visit: (piece: Buffer) => void): void {
  const buffer = Buffer.alloc(PIECE_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (let position = 0; ; ) {
      const read = readSync(fd, buffer, 0, PIECE_BYTES, position);
      if (read === 0) return;
      visit(buffer.subarray(0, read));
      position += read;
    }
  } finally {
    closeSync(fd);
  }
}
