// HTTP Range (RFC 9110 §14) for payload downloads: one range, `bytes=a-b`, `bytes=a-` or `bytes=-n`.
// Anything the grammar does not cover (several ranges, other units) is ignored and the whole payload
// is sent, as the RFC allows; a well-formed range that misses the payload is RANGE_NOT_SATISFIABLE.
import { CONTENT_RANGE_PATTERN } from '../../shared/documents.ts';
import { ApiError } from '../http-error.ts';
import type { ByteRange } from '../storage/blob-store.ts';

const SINGLE = /^bytes=(\d{0,16})-(\d{0,16})$/;

export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  const match = header === undefined ? null : SINGLE.exec(header.trim());
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  const range = first === '' ? { start: Math.max(0, size - Number(last)), end: size - 1 } : { start: Number(first), end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
  if (first === '' && Number(last) === 0) throw new ApiError('RANGE_NOT_SATISFIABLE');
  if (range.start >= size || range.start > range.end) throw new ApiError('RANGE_NOT_SATISFIABLE');
  return range;
}

/** `Content-Range: bytes START-END/SIZE` of an upload chunk; BAD_REQUEST if absent or malformed. */
export function parseContentRange(header: string | undefined): { start: number; end: number; total: number } {
  const match = header === undefined ? null : CONTENT_RANGE_PATTERN.exec(header);
  if (match === null) throw new ApiError('BAD_REQUEST');
  const [start, end, total] = match.slice(1).map(Number) as [number, number, number];
  if (start > end || end >= total) throw new ApiError('BAD_REQUEST');
  return { start, end, total };
}
