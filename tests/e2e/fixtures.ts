// Real files for the browser tests, written here byte by byte so each test knows exactly what it holds:
// a minimal valid PDF (one filled rectangle per page, xref offsets computed), and a decodable PNG with a
// tEXt chunk. Neither is produced by the code under test.
import { crc32, deflateSync } from 'node:zlib';

export interface PdfOptions {
  /** Pages, each drawing one filled rectangle. */
  pages?: number;
  /** A line written as a PDF comment (a canary: it travels in the file's bytes). */
  comment?: string;
  /** Extra entries of the catalog dictionary, e.g. an /OpenAction. */
  catalogExtra?: string;
  /** Extra entries of every page dictionary, e.g. /Annots or /AA. */
  pageExtra?: string;
  /** Bodies of extra objects, numbered after the built-in ones (see firstExtraObject()). */
  extraObjects?: string[];
}

/** The number the first of `extraObjects` gets, for references in catalogExtra/pageExtra. */
export function firstExtraObject(pages: number): number {
  return 3 + 2 * pages;
}

/**
 * A PDF 1.4 file: 1 catalog, 2 page tree, then per page its page object and content stream, then the
 * extra objects. Pages are 300 × 200 points with a blue 200 × 100 rectangle.
 */
export function buildPdf(options: PdfOptions = {}): Buffer {
  const pages = options.pages ?? 1;
  const content = '0.1 0.3 0.8 rg 50 50 200 100 re f';
  const objects: string[] = [
    `<< /Type /Catalog /Pages 2 0 R ${options.catalogExtra ?? ''} >>`,
    `<< /Type /Pages /Kids [${Array.from({ length: pages }, (_, page) => `${3 + 2 * page} 0 R`).join(' ')}] /Count ${pages} >>`,
  ];
  for (let page = 0; page < pages; page += 1) {
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << >> /Contents ${4 + 2 * page} 0 R ${options.pageExtra ?? ''} >>`);
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  }
  objects.push(...(options.extraObjects ?? []));
  let text = `%PDF-1.4\n${options.comment === undefined ? '' : `% ${options.comment}\n`}`;
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(text, 'latin1'));
    text += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(text, 'latin1');
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) text += `${String(offset).padStart(10, '0')} 00000 n \n`;
  text += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(text, 'latin1');
}

/** A width × height RGB PNG (a diagonal gradient) whose tEXt chunk "Comment" holds `text`. */
export function buildPng(width: number, height: number, text: string): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per sample, RGB, deflate, adaptive filtering, no interlace
  const rows = Buffer.alloc(height * (1 + 3 * width));
  for (let y = 0; y < height; y += 1) {
    const row = y * (1 + 3 * width); // filter byte 0 (none), then RGB triples
    for (let x = 0; x < width; x += 1) rows.set([(x * 255) / width, (y * 255) / height, 160], row + 1 + 3 * x);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1')),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}
