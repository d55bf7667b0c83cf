import { numberFormat } from './intlFormats';

/** Money is integer cents everywhere in matterpay; this is the one place that turns it into text people read. */
export function formatCents(cents: number, currency = 'USD'): string {
  if (!Number.isInteger(cents)) throw new Error(`amount must be whole cents, got ${cents}`);
  return numberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
}
