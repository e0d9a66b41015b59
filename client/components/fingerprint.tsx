// A key fingerprint as people compare it: 8 groups of 5 digits, and its QR code. The QR code is drawn as
// SVG elements from uqr's module matrix (no markup string is ever parsed into the page).
import { encode } from 'uqr';
import { useMemo } from 'preact/hooks';
import { useApp } from '../lib/app-context.ts';
import type { FingerprintView } from '../lib/vault-client.ts';

export function Fingerprint({ fingerprint, id }: { fingerprint: FingerprintView; id: string }) {
  const { messages } = useApp();
  return (
    <div class="fingerprint">
      <p class="fingerprint-label" id={`${id}-label`}>{messages.fingerprintNumberLabel}</p>
      <p class="fingerprint-number" data-testid="fingerprint-number" aria-describedby={`${id}-label`}>{fingerprint.number}</p>
      <QrCode text={fingerprint.qrPayload} label={messages.fingerprintQrLabel} />
    </div>
  );
}

/** One path of unit squares, one per dark module, on a white square with its quiet zone. */
export function QrCode({ text, label }: { text: string; label: string }) {
  const { size, path } = useMemo(() => {
    const qr = encode(text, { ecc: 'M', border: 2 });
    const parts: string[] = [];
    qr.data.forEach((row, y) => { row.forEach((dark, x) => { if (dark) parts.push(`M${String(x)} ${String(y)}h1v1h-1z`); }); });
    return { size: qr.size, path: parts.join('') };
  }, [text]);
  return (
    <svg class="qr-code" role="img" aria-label={label} viewBox={`0 0 ${String(size)} ${String(size)}`} data-qr-payload={text}
      shape-rendering="crispEdges" xmlns="http://www.w3.org/2000/svg">
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
