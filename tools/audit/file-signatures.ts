// Known starts of plaintext files: a blob that begins like one was stored unencrypted. Checked on every
// blob, committed or temporary, whatever its name. Every ciphertext we store starts with a binary header
// ("CSDP" then byte 0x01), which none of these match.

interface Signature {
  name: string;
  offset: number;
  bytes: readonly number[];
}

const ascii = (text: string): number[] => Array.from(Buffer.from(text, 'latin1'));

const SIGNATURES: readonly Signature[] = [
  { name: 'PDF', offset: 0, bytes: ascii('%PDF') },
  { name: 'PNG', offset: 0, bytes: [0x89, ...ascii('PNG\r\n'), 0x1a, 0x0a] },
  { name: 'JPEG', offset: 0, bytes: [0xff, 0xd8, 0xff] },
  { name: 'GIF', offset: 0, bytes: ascii('GIF8') },
  { name: 'TIFF', offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00] },
  { name: 'TIFF', offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { name: 'DICOM', offset: 128, bytes: ascii('DICM') },
  { name: 'ZIP', offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'ZIP', offset: 0, bytes: [0x50, 0x4b, 0x05, 0x06] },
  { name: 'GZIP', offset: 0, bytes: [0x1f, 0x8b] },
  { name: 'UTF-8 BOM', offset: 0, bytes: [0xef, 0xbb, 0xbf] },
  { name: 'UTF-16 BOM', offset: 0, bytes: [0xff, 0xfe] },
  { name: 'UTF-16 BOM', offset: 0, bytes: [0xfe, 0xff] },
];

/** Bytes the text check inspects. */
const TEXT_PROBE_BYTES = 512;

/** The name of the file type `head` (the first bytes of a blob, >= 132 if available) starts as, or null. */
export function detectFileSignature(head: Uint8Array): string | null {
  for (const signature of SIGNATURES) {
    const at = head.subarray(signature.offset, signature.offset + signature.bytes.length);
    if (at.length === signature.bytes.length && signature.bytes.every((byte, i) => at[i] === byte)) return signature.name;
  }
  return detectTextStart(head);
}

/** JSON, XML/HTML or plain text: the probe decodes as UTF-8 with no control character but tab, CR, LF. */
function detectTextStart(head: Uint8Array): string | null {
  const probe = head.subarray(0, TEXT_PROBE_BYTES);
  if (probe.length === 0) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(probe.length === TEXT_PROBE_BYTES ? trimPartialUtf8(probe) : probe);
  } catch {
    return null;
  }
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return null;
  const start = text.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) return 'JSON';
  if (start.startsWith('<')) return 'XML';
  return 'text';
}

/** Drops the last 1–3 bytes when they are the start of a UTF-8 sequence cut by the probe's end. */
function trimPartialUtf8(bytes: Uint8Array): Uint8Array {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0xc0) return bytes.subarray(0, bytes.length - back);
    if ((byte & 0xc0) !== 0x80) return bytes;
  }
  return bytes;
}
