// A PDF preview: one page at a time on a canvas, drawn by pdf.js (loaded on first use, see
// lib/pdf-document.ts), with previous/next buttons and "Page n sur N". The pdf.js document and its Worker
// are destroyed when the preview closes or shows another file.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../lib/app-context.ts';
import { fill } from '../lib/fill.ts';
import type { PdfDocument } from '../lib/pdf-document.ts';

export function PdfPreview({ blob, title }: { blob: Blob; title: string }) {
  const { messages } = useApp();
  const [pdf, setPdf] = useState<PdfDocument | null>(null);
  const [page, setPage] = useState(1);
  const [failed, setFailed] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    let closed = false;
    const isClosed = () => closed; // read after each await: the cleanup below may have run meanwhile
    let destroy: (() => Promise<void>) | null = null;
    setPdf(null);
    setPage(1);
    setFailed(false);
    const open = async () => {
      const [{ loadPdf }, bytes] = await Promise.all([import('../lib/pdf-document.ts'), blob.arrayBuffer()]);
      if (isClosed()) return;
      const loading = loadPdf(new Uint8Array(bytes));
      destroy = loading.destroy;
      const opened = await loading.opened;
      if (!isClosed()) setPdf(opened);
    };
    open().catch(() => { if (!isClosed()) setFailed(true); });
    return () => {
      closed = true;
      void destroy?.().catch(() => undefined);
    };
  }, [blob]);

  useEffect(() => {
    const target = canvas.current;
    if (pdf === null || target === null) return;
    const width = target.parentElement?.clientWidth ?? 300;
    pdf.render(page, target, width).catch(() => { setFailed(true); });
  }, [pdf, page]);

  if (failed) return <p class="alert alert-warning" role="status">{messages.previewFailed}</p>;
  if (pdf === null) return <p role="status">{messages.previewLoading}</p>;
  return (
    <div class="pdf-preview">
      <div class="actions pdf-pager">
        {pdf.pageCount > 1 && <button type="button" class="secondary" disabled={page <= 1} onClick={() => { setPage(page - 1); }}>{messages.previewPrevious}</button>}
        <span class="pdf-page-count" role="status">{fill(messages.previewPage, { page, count: pdf.pageCount })}</span>
        {pdf.pageCount > 1 && <button type="button" class="secondary" disabled={page >= pdf.pageCount} onClick={() => { setPage(page + 1); }}>{messages.previewNext}</button>}
      </div>
      <div class="pdf-canvas">
        <canvas ref={canvas} role="img" aria-label={fill(messages.previewPageImage, { page, title })} />
      </div>
    </div>
  );
}
