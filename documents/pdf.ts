/**
 * The shared drawing of matterpay's client PDFs (pdfkit, standard Helvetica: nothing to embed or download): a
 * heading, label/value rows, a table with right-aligned money columns, and the page's foot notes.
 */
import PDFDocument from 'pdfkit';

export type Pdf = PDFKit.PDFDocument;

export const MARGIN = 56;
const INK = '#1a1a1a';
const MUTED = '#555555';

export function newPdf(title: string, subject: string): Pdf {
  return new PDFDocument({
    size: 'LETTER',
    margin: MARGIN,
    info: { Title: title, Subject: subject, Producer: 'matterpay', Creator: 'matterpay' },
  });
}

/** Ends the document and resolves with its bytes. */
export function pdfBytes(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

export function heading(doc: Pdf, firmName: string, title: string): void {
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(18).text(firmName);
  doc.moveDown(0.2).font('Helvetica').fontSize(13).fillColor(MUTED).text(title);
  doc.moveDown(1).fillColor(INK);
}

export function fieldRows(doc: Pdf, rows: Array<[string, string | null]>): void {
  const x = doc.page.margins.left;
  doc.fontSize(10);
  for (const [label, value] of rows) {
    if (value === null) continue;
    const y = doc.y;
    doc.font('Helvetica-Bold').text(label, x, y, { width: 160 });
    doc.font('Helvetica').text(value, x + 170, y, { width: doc.page.width - x - 170 - doc.page.margins.right });
    doc.moveDown(0.3);
  }
  doc.x = x;
  doc.moveDown(0.8);
}

export interface PdfColumn {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

/** A table that flows onto new pages; the header repeats on each. */
export function table(doc: Pdf, columns: PdfColumn[], rows: string[][]): void {
  const left = doc.page.margins.left;
  const drawRow = (cells: string[], bold: boolean) => {
    const y = doc.y;
    let x = left;
    let bottom = y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9.5);
    columns.forEach((column, i) => {
      doc.text(cells[i] ?? '', x, y, { width: column.width - 6, align: column.align ?? 'left' });
      bottom = Math.max(bottom, doc.y);
      x += column.width;
    });
    doc.x = left;
    doc.y = bottom + 4;
  };
  const rule = () => {
    const width = columns.reduce((sum, c) => sum + c.width, 0);
    doc
      .moveTo(left, doc.y)
      .lineTo(left + width, doc.y)
      .lineWidth(0.5)
      .strokeColor('#999999')
      .stroke();
    doc.y += 4;
  };
  drawRow(
    columns.map((c) => c.header),
    true,
  );
  rule();
  for (const row of rows) {
    if (doc.y > doc.page.height - doc.page.margins.bottom - 40) {
      doc.addPage();
      drawRow(
        columns.map((c) => c.header),
        true,
      );
      rule();
    }
    drawRow(row, false);
  }
  doc.moveDown(0.6);
}

/** Label/amount rows set flush right under a table: totals, trust, payments, balance. */
export function totals(doc: Pdf, rows: Array<[string, string, boolean?]>): void {
  const right = doc.page.width - doc.page.margins.right;
  for (const [label, value, strong] of rows) {
    const y = doc.y;
    doc.font(strong ? 'Helvetica-Bold' : 'Helvetica').fontSize(strong ? 11 : 10);
    doc.text(label, right - 300, y, { width: 190, align: 'right' });
    doc.text(value, right - 100, y, { width: 100, align: 'right' });
    doc.moveDown(0.3);
  }
  doc.x = doc.page.margins.left;
  doc.moveDown(0.8);
}

export function paragraph(doc: Pdf, title: string | null, text: string): void {
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  if (title)
    doc.font('Helvetica-Bold').fontSize(10).fillColor(INK).text(title, doc.page.margins.left, doc.y, { width });
  doc.font('Helvetica').fontSize(9.5).fillColor(MUTED).text(text, doc.page.margins.left, doc.y, { width });
  doc.fillColor(INK).moveDown(0.8);
}
