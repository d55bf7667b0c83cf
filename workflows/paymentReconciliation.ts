import {
  ParentClosePolicy, condition, continueAsNew, getExternalWorkflowHandle, patched, proxyActivities, setHandler, startChild, upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Payment } from '../connectors/ports';
import { paymentReceivedSignal, reconciliationStatusQuery, retryMatchSignal, type ReconciliationStatus } from '../shared/messages';
import { ReconcileStateValues } from '../shared/reconcileState';
import { FIRM_ID, RECONCILE_STATE } from '../shared/searchAttributes';
import { workflowIds } from '../shared/workflowIds';
import { invoice } from './invoice';
import { vendorActivityOptions, type BillingPolicy } from './policy';

const activities = proxyActivities<Activities>(vendorActivityOptions);

export interface PaymentReconciliationInput {
  firmId: string;
  payment: Payment;
  /** Needed only to reopen an invoice whose workflow had finished (a refund after it was paid). */
  policy: BillingPolicy;
  attempts?: number;
}

const FIRST_RETRY_MS = 60_000;
const LONGEST_RETRY_MS = 6 * 3_600_000;
const ATTEMPTS_BEFORE_CONTINUE_AS_NEW = 100;

/**
 * One per processor transaction (`payment/<processor>/<transactionId>`): applies the payment to its invoice exactly
 * once, notes it on the matter and tells the invoice. However the payment arrives (webhook, sweep, retry,
 * duplicate), the workflow ID and the store's ledger key make the second arrival a no-op. A payment whose
 * reference matches nothing is parked (`ReconcileState = 'unmatched'`) and retries by itself: at once when a
 * mapping is added, otherwise on a backoff.
 */
export async function paymentReconciliation(input: PaymentReconciliationInput): Promise<ReconciliationStatus> {
  const { firmId, payment, policy } = input;
  const status: ReconciliationStatus = {
    processor: payment.processor, transactionId: payment.transactionId, state: 'pending', invoiceNumber: null, matterId: null, detail: '', attempts: input.attempts ?? 0,
  };
  let retryRequested = false;
  setHandler(retryMatchSignal, () => {
    retryRequested = true;
  });
  setHandler(reconciliationStatusQuery, () => status);
  const publish = () => upsertSearchAttributes([{ key: FIRM_ID, value: firmId }, { key: RECONCILE_STATE, value: ReconcileStateValues[status.state] }]);
  publish();

  let waitMs = FIRST_RETRY_MS;
  for (let round = 0; round < ATTEMPTS_BEFORE_CONTINUE_AS_NEW; round++) {
    status.attempts++;
    const outcome = await activities.applyPayment({ firmId, payment });
    if (outcome.state === 'applied') {
      Object.assign(status, { state: 'applied', invoiceNumber: outcome.invoiceNumber, matterId: outcome.matterId, detail: outcome.firstTime ? 'applied' : 'already applied' });
      publish();
      await activities.notePayment({ firmId, payment, matterId: outcome.matterId, invoiceNumber: outcome.invoiceNumber, amountDueCentsAfter: outcome.amountDueCentsAfter });
      if (outcome.invoiceNumber) await tellInvoice(outcome.invoiceNumber, outcome.paidCentsAfter, outcome.amountDueCentsAfter);
      // The money has moved: now the client's receipt and the staff notice, once per payment (keyed by it).
      if (outcome.firstTime && patched('receipts-and-staff-notice')) {
        if (outcome.invoiceNumber && payment.kind === 'charge') {
          await activities.sendPaymentReceipt({ firmId, payment, invoiceNumber: outcome.invoiceNumber });
        }
        await activities.notifyStaffOfPayment({ firmId, payment, invoiceNumber: outcome.invoiceNumber, matterId: outcome.matterId, amountDueCentsAfter: outcome.amountDueCentsAfter });
      }
      return status;
    }
    if (outcome.state === 'ignored') {
      Object.assign(status, { state: 'ignored', detail: outcome.reason });
      publish();
      if (payment.status === 'failed') await activities.noteUnappliedPayment({ firmId, payment, reason: outcome.reason });
      return status;
    }
    Object.assign(status, { state: 'unmatched', detail: outcome.reason });
    publish();
    await condition(() => retryRequested, waitMs);
    retryRequested = false;
    waitMs = Math.min(waitMs * 2, LONGEST_RETRY_MS);
  }
  return continueAsNew<typeof paymentReconciliation>({ ...input, attempts: status.attempts });

  /** Signals the invoice; an invoice whose workflow had finished (paid, then refunded) is reopened first. */
  async function tellInvoice(invoiceNumber: string, paidCentsAfter: number, amountDueCentsAfter: number): Promise<void> {
    const signal = { processor: payment.processor, transactionId: payment.transactionId, kind: payment.kind, amountCents: payment.amountCents, paidCentsAfter, amountDueCentsAfter };
    const workflowId = workflowIds.invoice(firmId, invoiceNumber);
    try {
      await getExternalWorkflowHandle(workflowId).signal(paymentReceivedSignal, signal);
    } catch {
      if (amountDueCentsAfter === 0) return; // nothing to reopen for: the store already shows it settled
      await startChild(invoice, {
        workflowId,
        args: [{ firmId, invoiceNumber, policy, resume: { seenPayments: [], escalated: false, payLinkUrl: null } }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    }
  }
}
