/**
 * Workflow IDs are business keys (docs/architecture.md §3): readable, deterministic, so a duplicate start is refused by Temporal
 * itself and an admin can find any object by typing its ID in the Web UI.
 */
import type { ProcessorName } from './processors';

export const workflowIds = {
  matterBilling: (firmId: string, matterId: string) => `matter/${firmId}/${matterId}`,
  invoice: (firmId: string, invoiceNumber: string) => `invoice/${firmId}/${invoiceNumber}`,
  /** Before 2026-12 it was `payment/<processor>/<transaction>`; workflows under that ID finish on their own (README). */
  paymentReconciliation: (firmId: string, processor: ProcessorName, transactionId: string) =>
    `payment/${firmId}/${processor}/${transactionId}`,
  /** The ID before it named the firm: sweeps started then replay with it (workflows/reconciliationSweep.ts). */
  legacyPaymentReconciliation: (processor: ProcessorName, transactionId: string) =>
    `payment/${processor}/${transactionId}`,
  backfillMatterLinks: (firmId: string, runId: string) => `backfill/${firmId}/${runId}`,
  /** A sweep asked for by hand (`matterpay sweep`), apart from the scheduled ones. */
  manualSweep: (firmId: string, at: Date) => `sweep/${firmId}/manual-${compactUtc(at)}`,
  trustStatements: (firmId: string, month: string, at: Date) => `trust-statements/${firmId}/${month}/${compactUtc(at)}`,
  trustReport: (firmId: string, month: string, at: Date) => `trust-report/${firmId}/${month}/${compactUtc(at)}`,
  /** A billing run asked for by hand (`matterpay bill --due`). */
  manualBillingRun: (firmId: string, at: Date) => `${scheduleIds.billingRun(firmId)}/manual-${compactUtc(at)}`,
};

/** Update IDs: one per logical request, so a retried update (a lost answer) is the same update, applied once. */
export const updateIds = {
  approveInvoice: (invoiceNumber: string) => `approve/${invoiceNumber}`,
};

/** `20261201T093000123Z`: sorts by time, safe in an ID. */
function compactUtc(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

export const scheduleIds = {
  reconciliationSweep: (firmId: string) => `sweep/${firmId}`,
  billingRun: (firmId: string) => `billing-run/${firmId}`,
  practiceWebhooks: (firmId: string) => `practice-webhooks/${firmId}`,
};

/** The memo on an invoice workflow: one readable line, no personal data (memos are shown in the Web UI). */
export const invoiceMemo = (invoiceNumber: string, matterDisplayNumber: string) => ({
  summary: `Invoice ${invoiceNumber} on matter ${matterDisplayNumber}`,
});
