/**
 * The invoice's state in the client's words, as the pay page and the PDFs show it. The store's states are the
 * firm's (issued, partially_paid…); a client reads Unpaid, Partially paid, Paid or Overdue.
 */
import { isOverdue } from './dueDates';

export type ClientStatus = 'Unpaid' | 'Partially paid' | 'Paid' | 'Overdue' | 'Cancelled';

export function clientStatus(input: {
  status: 'draft' | 'awaiting_approval' | 'issued' | 'partially_paid' | 'paid' | 'void';
  paidCents: number;
  amountDueCents: number;
  dueAtMs: number | null;
  nowMs: number;
  timeZone: string;
}): ClientStatus {
  if (input.status === 'void') return 'Cancelled';
  if (input.amountDueCents === 0) return 'Paid';
  if (isOverdue(input)) return 'Overdue';
  return input.paidCents > 0 ? 'Partially paid' : 'Unpaid';
}
