// PDF rendering for the preview, with pdf.js. This module is only ever imported dynamically (see
// components/pdf-preview.tsx), so pdf.js is its own chunk, fetched the first time a PDF is opened.
// ATK-30: pdf.js parses in its own Worker, served from our origin (the CSP allows no other); the display
// layer we use draws onto a canvas and never runs a PDF's JavaScript (only pdf.js's viewer sandbox would,
// which we do not ship). We also turn off eval (PDF functions are interpreted instead; the CSP forbids eval
// anyway), XFA forms and the wasm decoders (they would be fetched from a URL), and we create no annotation,
// text or link layer: nothing of the document becomes DOM.
import { AnnotationMode, getDocument, GlobalWorkerOptions, RenderingCancelledException, VerbosityLevel } from 'pdfjs-dist';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

/** Device pixels per CSS pixel at most: sharp on most phones without huge canvases. */
const MAX_PIXEL_RATIO = 2;

export interface PdfDocument {
  pageCount: number;
  /**
   * Draws page `number` (from 1) onto `canvas`, `cssWidth` CSS pixels wide. Resolves `false` when a later
   * render of the same canvas cancelled this one; rejects when the page cannot be drawn.
   */
  render: (number: number, canvas: HTMLCanvasElement, cssWidth: number) => Promise<boolean>;
}

export interface PdfLoading {
  /** The opened document; rejects for a file pdf.js cannot read, or when destroyed first. */
  opened: Promise<PdfDocument>;
  /** Stops loading or rendering, frees the document and terminates pdf.js's Worker. */
  destroy: () => Promise<void>;
}

/** Starts opening `data` (pdf.js takes ownership of its buffer). */
export function loadPdf(data: Uint8Array): PdfLoading {
  GlobalWorkerOptions.workerSrc = workerUrl;
  const task = getDocument({
    data, isEvalSupported: false, enableXfa: false, useWasm: false, verbosity: VerbosityLevel.ERRORS,
  });
  return { opened: task.promise.then(documentOf), destroy: () => task.destroy() };
}

function documentOf(pdf: PDFDocumentProxy): PdfDocument {
  const running = new WeakMap<HTMLCanvasElement, RenderTask>();
  return {
    pageCount: pdf.numPages,
    render: async (number, canvas, cssWidth) => {
      running.get(canvas)?.cancel();
      const page = await pdf.getPage(number);
      const ratio = Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO);
      const viewport = page.getViewport({ scale: (cssWidth / page.getViewport({ scale: 1 }).width) * ratio });
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      const task = page.render({ canvas, viewport, annotationMode: AnnotationMode.ENABLE });
      running.set(canvas, task);
      try {
        await task.promise;
        return true;
      } catch (error) {
        if (error instanceof RenderingCancelledException) return false;
        throw error;
      } finally {
        if (running.get(canvas) === task) running.delete(canvas);
        page.cleanup();
      }
    },
  };
}
