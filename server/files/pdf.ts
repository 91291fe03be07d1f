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
