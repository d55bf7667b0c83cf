/**
 * An invoice's first moment: drafted (approved), trust drawn, issued and emailed, or settled from trust, or voided
 * before it was issued. Its notes are written as one note (activities/coalescedNote.ts).
 */
export const issueMoment = (invoiceNumber: string) => `invoice/${invoiceNumber}/issue`;
