// Which in-page preview a decrypted document gets (ATK-30). Only formats that render without running
// anything of the document: raster images through <img>, SVG decoded as an image and drawn onto a canvas,
// PDF through pdf.js onto a canvas. Everything else, HTML and text included, is only downloaded.

/** Above this size the preview is not offered: the whole plaintext and its rendering sit in memory. */
export const MAX_PREVIEW_BYTES = 50 * 1024 * 1024;

export type PreviewKind =
  | { kind: 'pdf' }
  /** A raster image; `type` is the image type to give its Blob, whatever the document's own MIME type. */
  | { kind: 'image'; type: string }
  | { kind: 'svg' }
  | { kind: 'none' }
  | { kind: 'too-large' };

const RASTER_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const SVG_TYPE = 'image/svg+xml';
const TYPE_OF_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: SVG_TYPE,
};
/** Types that say nothing about the content: then the file name's extension decides. */
const GENERIC_TYPES = new Set(['', 'application/octet-stream']);

/** The preview for a document of this MIME type, file name and size in bytes. */
export function previewKind(mimeType: string, fileName: string, size: number): PreviewKind {
  const type = effectiveType(mimeType.trim().toLowerCase(), fileName);
  const kind: PreviewKind = type === 'application/pdf' ? { kind: 'pdf' }
    : RASTER_TYPES.has(type) ? { kind: 'image', type }
    : type === SVG_TYPE ? { kind: 'svg' }
    : { kind: 'none' };
  return kind.kind !== 'none' && size > MAX_PREVIEW_BYTES ? { kind: 'too-large' } : kind;
}

function effectiveType(mimeType: string, fileName: string): string {
  if (!GENERIC_TYPES.has(mimeType)) return mimeType;
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? mimeType : TYPE_OF_EXTENSION[fileName.slice(dot + 1).toLowerCase()] ?? mimeType;
}
