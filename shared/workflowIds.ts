/**
 * Workflow IDs are business keys (DESIGN §3): readable, deterministic, so a duplicate start is refused by Temporal
 * itself and an admin can find any object by typing its ID in the Web UI.
 */
export type Processor = 'lawpay' | 'stripe';

export const workflowIds = {
  matterBilling: (firmId: string, matterId: string) => `matter/${firmId}/${matterId}`,
  invoice: (firmId: string, invoiceNumber: string) => `invoice/${firmId}/${invoiceNumber}`,
  /** Before 2026-12 it was `payment/<processor>/<transaction>`; workflows under that ID finish on their own (README). */
  paymentReconciliation: (firmId: string, processor: Processor, transactionId: string) => `payment/${firmId}/${processor}/${transactionId}`,
  backfillMatterLinks: (firmId: string, runId: string) => `backfill/${firmId}/${runId}`,
};

export const scheduleIds = {
  reconciliationSweep: (firmId: string) => `sweep/${firmId}`,
  billingRun: (firmId: string) => `billing-run/${firmId}`,
  practiceWebhooks: (firmId: string) => `practice-webhooks/${firmId}`,
};

/** The memo on an invoice workflow: one readable line, no personal data (memos are shown in the Web UI). */
export const invoiceMemo = (invoiceNumber: string, matterDisplayNumber: string) => ({
  summary: `Invoice ${invoiceNumber} on matter ${matterDisplayNumber}`,
});
