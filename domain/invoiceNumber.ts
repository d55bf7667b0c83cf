/**
 * Invoice numbers are `<matter display number>-<sequence>` (docs/domain.md §4.2), so every reference matterpay puts on a
 * charge leads back to its matter even without the lookup table.
 */
export function invoiceNumber(matterDisplayNumber: string, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1)
    throw new Error(`invoice sequence must be a positive integer, got ${sequence}`);
  return `${matterDisplayNumber}-${sequence}`;
}

/** The display number and sequence inside a canonical reference, or null for anything else (a legacy reference). */
export function parseInvoiceNumber(reference: string): { matterDisplayNumber: string; sequence: number } | null {
  const match = /^(.+)-(\d{1,6})$/.exec(reference.trim());
  if (!match) return null;
  return { matterDisplayNumber: match[1]!, sequence: Number(match[2]) };
}
