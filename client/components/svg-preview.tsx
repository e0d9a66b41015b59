// An SVG preview (ATK-30). The SVG is decoded by an <img> that never enters the page (an image context runs
// no script and loads nothing external), drawn onto a canvas, and its object URL revoked at once. Showing
// the <img> itself would hand the user a same-origin blob: URL: opened in a new tab, that URL is an SVG
// document of our origin whose scripts run (tests/e2e/preview.test.ts shows it).
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../lib/app-context.ts';

/** Size drawn when the SVG states none (no width/height), in CSS pixels. */
const FALLBACK = { width: 300, height: 150 };
const MAX_PIXEL_RATIO = 2;

export function SvgPreview({ blob, title }: { blob: Blob; title: string }) {
  const { messages } = useApp();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const target = canvas.current;
    if (target === null) return;
    setFailed(false);
    let closed = false;
    const url = URL.createObjectURL(new Blob([blob], { type: 'image/svg+xml' }));
    const image = new Image();
    image.src = url;
    image.decode()
      .then(() => { if (!closed) draw(image, target); })
      .catch(() => { if (!closed) setFailed(true); })
      .finally(() => { URL.revokeObjectURL(url); });
    return () => { closed = true; URL.revokeObjectURL(url); };
  }, [blob]);
  return (
    <>
      {failed && <p class="alert alert-warning" role="status">{messages.previewFailed}</p>}
      <canvas ref={canvas} hidden={failed} class="preview-image svg-preview" role="img" aria-label={title} />
    </>
  );
}

function draw(image: HTMLImageElement, canvas: HTMLCanvasElement): void {
  const width = image.naturalWidth || FALLBACK.width;
  const height = image.naturalHeight || FALLBACK.height;
  const ratio = Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO);
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.dataset.width = String(width);
  canvas.dataset.height = String(height);
  // CSSOM, not a style attribute: allowed by the strict CSP. The stylesheet caps it at the list's width.
  canvas.style.width = `${String(width)}px`;
  canvas.getContext('2d')?.drawImage(image, 0, 0, canvas.width, canvas.height);
}
