// The preview of an opened document, under its entry in the list: a heading that takes the focus, the
// download of the already decrypted file, and a close button (Escape closes too). PDFs and images are shown
// (pdf-preview.tsx, image-preview.tsx, svg-preview.tsx); any other type, HTML and text included, never enters the page
// (ATK-30): a sentence says so and the file can be downloaded.
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from '../lib/app-context.ts';
import { fill } from '../lib/fill.ts';
import { previewKind } from '../lib/preview-kind.ts';
import { ImagePreview } from './image-preview.tsx';
import { PdfPreview } from './pdf-preview.tsx';
import { SvgPreview } from './svg-preview.tsx';

export interface OpenedFile {
  blob: Blob;
  fileName: string;
  mimeType: string;
}

export interface DocumentPreviewProps {
  id: string;
  title: string;
  file: OpenedFile;
  onDownload: () => void;
  onClose: () => void;
}

export function DocumentPreview({ id, title, file, onDownload, onClose }: DocumentPreviewProps) {
  const { messages } = useApp();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => { heading.current?.focus(); }, [file]);
  const preview = previewKind(file.mimeType, file.fileName, file.blob.size);
  const headingId = `${id}-heading`;
  return (
    <section id={id} class="preview" aria-labelledby={headingId}
      onKeyDown={(event) => { if (event.key === 'Escape') { event.preventDefault(); onClose(); } }}>
      <h3 id={headingId} ref={heading} tabIndex={-1} class="preview-heading">{fill(messages.previewHeading, { title })}</h3>
      <div class="actions">
        <button type="button" onClick={onDownload}>{messages.previewDownload}</button>
        <button type="button" class="secondary" onClick={onClose}>{messages.previewClose}</button>
      </div>
      {preview.kind === 'pdf' && <PdfPreview blob={file.blob} title={title} />}
      {preview.kind === 'image' && <ImagePreview blob={file.blob} type={preview.type} title={title} />}
      {preview.kind === 'svg' && <SvgPreview blob={file.blob} title={title} />}
      {preview.kind === 'none' && <p class="alert alert-notice">{messages.previewNone}</p>}
      {preview.kind === 'too-large' && <p class="alert alert-notice">{messages.previewTooLarge}</p>}
    </section>
  );
}
