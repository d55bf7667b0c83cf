import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { InvoiceSnapshot } from './invoiceSnapshot';
import type { KnownMatter } from './knownMatter';
import type { ProcessorName } from './processors';

/** Signal, update and query names are part of the contract (docs/architecture.md §3): clients, the CLI and the ingress use these. */

// matterBilling
export interface TimeEntryApproved {
  entryId: string;
}
export interface MatterStatusChanged {
  status: 'open' | 'pending' | 'closed';
}
export interface MatterBillingStatus {
  firmId: string;
  matterId: string;
  matterDisplayNumber: string | null;
  pendingEvaluation: boolean;
  lastEvaluation: { atMs: number; outcome: string } | null;
  nextBillingDateMs: number | null;
  invoicesStarted: string[];
  closed: boolean;
}
export const timeEntryApprovedSignal = defineSignal<[TimeEntryApproved]>('timeEntryApproved');
export const matterStatusChangedSignal = defineSignal<[MatterStatusChanged]>('matterStatusChanged');
export const matterStatusQuery = defineQuery<MatterBillingStatus>('status');
/** Bill now (`matterpay bill`, the billing run): approved time regardless of the threshold, or this period's flat fee. */
/** `listed`: the matter as the billing run's page read it, so its evaluation does not read it again. */
export const billNowSignal = defineSignal<[{ reason: string; listed?: KnownMatter }]>('billNow');

// invoice
export interface Approval {
  approvedBy: string;
}
export interface ApprovalResult {
  approvedBy: string;
  approvedAtMs: number;
}
/**
 * Tells an invoice that its money changed. Only a wake-up: the invoice reloads its money from the store, the one
 * truth, so signals arriving late, twice or out of order cannot leave it wrong. The amounts are informational (and
 * what workflows started before this rule acted on).
 */
export interface PaymentReceived {
  processor: ProcessorName;
  transactionId: string;
  kind: 'charge' | 'refund' | 'payout' | 'dispute';
  amountCents: number;
  paidCentsAfter: number;
  amountDueCentsAfter: number;
  /**
   * The woken invoice as the payment's own database transaction left it, revision included (migration 0014). The
   * invoice takes it only when it is newer than what it holds; a wake-up without it (another invoice the matter's
   * credit paid down, an older worker) makes the invoice read the store.
   */
  invoice?: InvoiceSnapshot | null;
}
export interface InvoiceWorkflowStatus {
  invoiceNumber: string;
  matterDisplayNumber: string;
  status: 'draft' | 'awaiting_approval' | 'issued' | 'partially_paid' | 'paid' | 'void';
  totalCents: number;
  trustAppliedCents: number;
  paidCents: number;
  amountDueCents: number;
  payLinkUrl: string | null;
  issuedAtMs: number | null;
  approvedBy: string | null;
  approvedAtMs: number | null;
  nextReminder: { kind: string; atMs: number } | null;
  escalated: boolean;
  deliveryHeld: boolean;
}
export const approveUpdate = defineUpdate<ApprovalResult, [Approval]>('approve');
export const paymentReceivedSignal = defineSignal<[PaymentReceived]>('paymentReceived');
export const cancelSignal = defineSignal<[{ reason: string }]>('cancel');
/** Sent by matterBilling when the matter closes: reminders stop at once (docs/domain.md §4.5). */
export const matterClosedSignal = defineSignal<[]>('matterClosed');
export const invoiceStatusQuery = defineQuery<InvoiceWorkflowStatus>('status');

// paymentReconciliation
export interface ReconciliationStatus {
  processor: ProcessorName;
  transactionId: string;
  state: 'pending' | 'applied' | 'unmatched' | 'ignored' | 'parked' | 'rejected';
  invoiceNumber: string | null;
  matterId: string | null;
  detail: string;
  attempts: number;
}
/** Sent when a mapping appears (`matterpay link`, a backfill): a parked payment tries its match again at once. */
export const retryMatchSignal = defineSignal<[]>('retryMatch');
export const reconciliationStatusQuery = defineQuery<ReconciliationStatus>('status');
/**
 * A later event of the same transaction (signal-with-start from the ingress and the sweep): the workflow reads the
 * transaction's current state from the processor again before it decides.
 */
export const transactionChangedSignal = defineSignal<[{ status: string }]>('transactionChanged');

// backfillMatterLinks
export interface BackfillProgress {
  firmId: string;
  runId: string;
  pages: number;
  matters: number;
  linksAdded: number;
  done: boolean;
}
export const backfillProgressQuery = defineQuery<BackfillProgress>('progress');
