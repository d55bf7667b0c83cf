import type { InvoiceStatus } from '../domain/invoiceMoney';

/** What the invoice workflow needs to know about its invoice; plain data (it crosses into workflow history). */
export interface InvoiceSnapshot {
  invoiceNumber: string;
  matterId: string;
  matterDisplayNumber: string;
  status: InvoiceStatus;
  totalCents: number;
  trustAppliedCents: number;
  creditAppliedCents: number;
  paidCents: number;
  amountDueCents: number;
  overpaymentCents: number;
  issuedAtMs: number | null;
  escalated: boolean;
  /** The due date's firm-local midnight (DueAt); absent in histories recorded before due dates. */
  dueAtMs?: number | null;
  /** The row's revision when read (migration 0014): the higher of two snapshots is the newer. Absent in older histories. */
  revision?: number;
}
