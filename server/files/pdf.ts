/**
 * PDFs without paying for pdfkit up front: pdfkit (with its fonts) is ~23 MB resident from the
 * moment it is imported, and most processes, most of the night, never write a PDF. It is loaded
 * on the first PDF asked for (docs/decisions/0017: the embedded server's memory).
 */
import type PDFDocumentClass from 'pdfkit';

export type PdfDoc = PDFKit.PDFDocument;
export type PdfOptions = PDFKit.PDFDocumentOptions;

let loading: Promise<typeof PDFDocumentClass> | undefined;

/** A new document (pdfkit loaded once, on first use). */
export async function newPdf(options: PdfOptions): Promise<PdfDoc> {
  const PDFDocument = await (loading ??= import('pdfkit').then((m) => m.default));
  return new PDFDocument(options);
}

/** A whole document in memory: `draw` writes the pages; resolves with the file once it has ended. */
export async function pdfBuffer(options: PdfOptions, draw: (doc: PdfDoc) => void | Promise<void>): Promise<Buffer> {
  const doc = await newPdf(options);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  await draw(doc);
  doc.end();
  return done;
}

/**
 * "Page 2 of 3 · <label>" at the foot of every page, for a paper that runs to several pages and
 * gets split up on a front desk or in a claim file. The document must be made with
 * `bufferPages: true`; call this last, before it ends.
 */
export function numberPages(doc: PdfDoc, label: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    // Writing inside the bottom margin would otherwise start a new page.
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#555555')
      .text(`Page ${i - range.start + 1} of ${range.count} · ${label}`, doc.page.margins.left, doc.page.height - bottom / 2 - 4, {
        width: doc.page.width - doc.page.margins.left - doc.page.margins.right,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor('#000000');
}
