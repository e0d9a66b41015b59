// Which documents the web app previews in the page (ATK-30): PDFs, raster images and SVG only, by their
// MIME type, or by extension when the type says nothing; never HTML or text; nothing above the size cap.
import { describe, expect, it } from 'vitest';
import { fill } from '../../client/lib/fill.ts';
import { MAX_PREVIEW_BYTES, previewKind } from '../../client/lib/preview-kind.ts';

describe('web app preview kind', () => {
  it('previews PDFs, raster images (typed as themselves) and SVG', () => {
    expect(previewKind('application/pdf', 'a.bin', 10)).toEqual({ kind: 'pdf' });
    for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp']) expect(previewKind(type, 'a', 10)).toEqual({ kind: 'image', type });
    expect(previewKind('Image/PNG ', 'a', 10)).toEqual({ kind: 'image', type: 'image/png' });
    expect(previewKind('image/svg+xml', 'a.png', 10)).toEqual({ kind: 'svg' });
  });

  it('never previews HTML, XHTML, text, scripts or other images, whatever the file name says', () => {
    for (const type of ['text/html', 'application/xhtml+xml', 'text/plain', 'text/javascript', 'image/bmp', 'application/xml']) {
      expect(previewKind(type, 'a.pdf', 10)).toEqual({ kind: 'none' });
    }
  });

  it('uses the extension only when the type is generic', () => {
    expect(previewKind('application/octet-stream', 'scan.JPG', 10)).toEqual({ kind: 'image', type: 'image/jpeg' });
    expect(previewKind('', 'lettre.pdf', 10)).toEqual({ kind: 'pdf' });
    expect(previewKind('application/octet-stream', 'dessin.svg', 10)).toEqual({ kind: 'svg' });
    expect(previewKind('application/octet-stream', 'page.html', 10)).toEqual({ kind: 'none' });
    expect(previewKind('application/octet-stream', 'sans-extension', 10)).toEqual({ kind: 'none' });
  });

  it('offers only the download above the size cap', () => {
    expect(previewKind('application/pdf', 'a.pdf', MAX_PREVIEW_BYTES)).toEqual({ kind: 'pdf' });
    expect(previewKind('application/pdf', 'a.pdf', MAX_PREVIEW_BYTES + 1)).toEqual({ kind: 'too-large' });
    expect(previewKind('text/html', 'a.html', MAX_PREVIEW_BYTES + 1)).toEqual({ kind: 'none' });
  });

  it('fills message placeholders, leaving unknown ones as they are', () => {
    expect(fill('Page {page} sur {count}', { page: 2, count: 5 })).toBe('Page 2 sur 5');
    expect(fill('Aperçu de « {title} » {other}', { title: '<b>x</b>' })).toBe('Aperçu de « <b>x</b> » {other}');
  });
});
