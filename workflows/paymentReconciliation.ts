import {
  ActivityFailure,
  ParentClosePolicy,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Payment } from '../connectors/ports';
import {
  paymentReceivedSignal,
  reconciliationStatusQuery,
  retryMatchSignal,
  transactionChangedSignal,
  type PaymentReceived,
  type ReconciliationStatus,
} from '../shared/messages';
import { ReconcileStateValues } from '../shared/reconcileState';
import { FIRM_ID, RECONCILE_STATE } from '../shared/searchAttributes';
import { workflowIds } from '../shared/workflowIds';
import { invoice } from './invoice';
import type { BillingPolicy } from '../shared/billingPolicy';
import {
  storeActivityOptions,
  followUpLocalActivityOptions,
  storeLocalActivityOptions,
  vendorActivityOptions,
  vendorLocalActivityOptions,
} from './policy';
import { rulesOf } from './rules';

const remoteSteps = {
  vendor: proxyActivities<Activities>(vendorActivityOptions),
  store: proxyActivities<Activities>(storeActivityOptions),
};
const localSteps = {
  vendor: proxyLocalActivities<Activities>(vendorLocalActivityOptions),
  store: proxyLocalActivities<Activities>(storeLocalActivityOptions),
};
/** The follow-ups may expire a processor's checkout (a vendor call), and retry as a store step does: until done. */
const followUps = proxyLocalActivities<Activities>(followUpLocalActivityOptions);

export interface PaymentReconciliationInput {
  firmId: string;
  /** The transaction as the event (or the sweep) described it: a hint; the processor's current state decides. */
  payment: Payment;
  /** Needed only to reopen an invoice whose workflow had finished (a refund after it was paid). */
  policy: BillingPolicy;
  attempts?: number;
  /**
   * The ingress read `payment` from the processor's API moments before this start (a LawPay hint it re-fetched): the
   * first decision uses it as it is. Every later change arrives as `transactionChanged`, and is read again.
   */
  readJustNow?: boolean;
}

const FIRST_RETRY_MS = 60_000;
const LONGEST_RETRY_MS = 6 * 3_600_000;
const ATTEMPTS_BEFORE_CONTINUE_AS_NEW = 100;
/** Workflows started before the workflow read the processor's current state replay without that read. */
const READS_CURRENT_STATE = 'reconciliation-reads-current-state';
/** From this rule on, search attributes are written only when they change (each write is an event and an index update). */
const SKIP_UNCHANGED_ATTRIBUTES = 'reconciliation-skip-unchanged-attributes';
/** From this rule on, every step of a payment runs as a local activity (workflows/policy.ts says why). */
const LOCAL_STEPS = 'reconciliation-local-steps';
/** From this rule on, a receipt that must read the practice system is sent by an activity of its own. */
const RECEIPT_READS_OFF_THE_TASK = 'reconciliation-receipt-reads-off-the-task';
/** From this rule on, the invoice is woken (or reopened) by an activity, not by this workflow's signal command. */
const WAKE_BY_ACTIVITY = 'reconciliation-wakes-invoice-by-activity';
/** From this rule on, a start whose payment the ingress has just read from the processor does not read it again. */
const TRUSTS_INGRESS_READ = 'reconciliation-trusts-ingress-read';
/**
 * From this rule on, what follows an applied payment (the invoices' wake-ups, their stale checkouts, the receipt and
 * the staff notice) is one local activity, not four (activities/paymentFollowUps.ts says why).
 */
const FOLLOW_UPS_AS_ONE_STEP = 'reconciliation-follow-ups-as-one-step';
/** From this rule on, a receipt that cannot be sent raises an alert instead of failing the applied payment's workflow. */
const RECEIPT_FAILURE_HELD = 'reconciliation-receipt-failure-held';
/**
 * From this rule on, a change signalled before a round decided is never forgotten: the round remembers how many
 * signals its state covers instead of clearing a flag when it begins. A transaction voided while its first workflow
 * task was still running (a loaded worker) came in the same activation as the start, and the cleared flag lost it.
 */
const COUNTS_CHANGES = 'reconciliation-counts-changes';
/** From this rule on, a completed charge or refund sends the client's receipt and the staff notice. */
const RECEIPTS_AND_STAFF_NOTICE = 'receipts-and-staff-notice';
/** Every rule above, taken at once by an execution that records it (workflows/rules.ts says why). */
const RECONCILIATION_RULES_2026_12 = 'reconciliation-rules-2026-12';

/**
 * One per processor transaction (`payment/<firm>/<processor>/<transactionId>`): applies the transaction's current
 * state to its invoice exactly once, and takes the transaction's later events (voided, refunded, failed then paid)
 * through `transactionChanged`, which the ingress and the sweep deliver with signal-with-start. It reads the
 * transaction from the processor before each decision, so the order in which events arrive cannot matter, and the
 * store's ledger (one row per transaction, holding its current effect) makes a repeat a no-op. The note on the
 * matter is queued by `applyPayment` in the same database transaction as the money: nothing here waits for the
 * practice system. A payment that matches nothing is parked and retries by itself: at once when a mapping is added,
 * otherwise on a backoff.
 */
export async function paymentReconciliation(input: PaymentReconciliationInput): Promise<ReconciliationStatus> {
  const rule = rulesOf(RECONCILIATION_RULES_2026_12, [
    SKIP_UNCHANGED_ATTRIBUTES,
    LOCAL_STEPS,
    READS_CURRENT_STATE,
    TRUSTS_INGRESS_READ,
    COUNTS_CHANGES,
    FOLLOW_UPS_AS_ONE_STEP,
    RECEIPTS_AND_STAFF_NOTICE,
    RECEIPT_READS_OFF_THE_TASK,
    RECEIPT_FAILURE_HELD,
    WAKE_BY_ACTIVITY,
  ]);
  const { firmId, policy } = input;
  let payment = input.payment;
  const status: ReconciliationStatus = {
    processor: payment.processor,
    transactionId: payment.transactionId,
    state: 'pending',
    invoiceNumber: null,
    matterId: null,
    detail: '',
    attempts: input.attempts ?? 0,
  };
  let retryRequested = false;
  let changed = false;
  /** The transaction's status as each `transactionChanged` signal saw it, in the order they came. */
  const signalled: string[] = [];
  setHandler(retryMatchSignal, () => {
    retryRequested = true;
  });
  setHandler(transactionChangedSignal, (change) => {
    changed = true;
    signalled.push(change?.status ?? '');
  });
  setHandler(reconciliationStatusQuery, () => status);
  // What the Web UI's filters already show: the ingress and the sweep start a payment with both attributes set.
  const shown = workflowInfo().typedSearchAttributes;
  let shownFirm = shown.get(FIRM_ID);
  let shownState = shown.get(RECONCILE_STATE);
  const skipUnchanged = rule(SKIP_UNCHANGED_ATTRIBUTES);
  const publish = () => {
    const state = ReconcileStateValues[status.state];
    if (skipUnchanged && shownFirm === firmId && shownState === state) return;
    upsertSearchAttributes([
      { key: FIRM_ID, value: firmId },
      { key: RECONCILE_STATE, value: state },
    ]);
    shownFirm = firmId;
    shownState = state;
  };
  publish();

  // Histories from before the rule replay with the activities they scheduled.
  const { vendor, store } = rule(LOCAL_STEPS) ? localSteps : remoteSteps;
  let waitMs = FIRST_RETRY_MS;
  for (let round = 0; round < ATTEMPTS_BEFORE_CONTINUE_AS_NEW; round++) {
    status.attempts++;
    changed = false;
    const readsCurrentState = rule(READS_CURRENT_STATE);
    const readJustNow = round === 0 && input.readJustNow === true && !input.attempts && rule(TRUSTS_INGRESS_READ);
    // The signals this round's state accounts for: all so far when it reads the processor now; when it trusts the
    // ingress's read, those that saw the status that read saw (the start's own signal), up to the first that did not.
    const firstNewer = readJustNow ? signalled.findIndex((seen) => seen !== payment.status) : -1;
    const covered = firstNewer === -1 ? signalled.length : firstNewer;
    const countsChanges = rule(COUNTS_CHANGES);
    const changedSince = () => (countsChanges ? signalled.length > covered : changed);
    if (readsCurrentState && !readJustNow) {
      const current = await currentState();
      if (!current) {
        Object.assign(status, {
          state: 'ignored',
          detail: `${payment.processor} has no transaction ${payment.transactionId}`,
        });
        publish();
        if (changedSince()) continue;
        return status;
      }
      payment = current;
    }
    const outcome = await store.applyPayment({ firmId, payment });
    if (outcome.state === 'applied') {
      Object.assign(status, {
        state: 'applied',
        invoiceNumber: outcome.invoiceNumber,
        matterId: outcome.matterId,
        detail: outcome.firstTime ? `${payment.kind} ${payment.status}` : 'already applied',
      });
      publish();
      if (!readsCurrentState) {
        // A workflow started before this version: finish it the way its history expects.
        await vendor.notePayment({
          firmId,
          payment,
          matterId: outcome.matterId,
          invoiceNumber: outcome.invoiceNumber,
          amountDueCentsAfter: outcome.amountDueCentsAfter,
        });
        if (outcome.invoiceNumber)
          await tellInvoice(outcome.invoiceNumber, outcome.paidCentsAfter, outcome.amountDueCentsAfter);
        return status;
      }
      // A wake-up costs little and the invoice decides from the store: sent even when this call changed nothing (its
      // first answer may have been lost), and to every invoice the matter's credit just paid down.
      const woken = [
        ...new Set([outcome.invoiceNumber, ...(outcome.creditedInvoices ?? [])].filter((n): n is string => n !== null)),
      ];
      const messagesDue = payment.status === 'completed' && (payment.kind === 'charge' || payment.kind === 'refund');
      if (rule(FOLLOW_UPS_AS_ONE_STEP)) {
        const receiptFor = messagesDue && payment.kind === 'charge' ? outcome.invoiceNumber : null;
        const followed = await followUps.followUpAppliedPayment({
          firmId,
          payment,
          policy,
          invoiceNumbers: woken,
          // The invoice as this payment's transaction left it rides along: the invoice need not read it again.
          wakeSignal: {
            ...wakeSignal(outcome.paidCentsAfter, outcome.amountDueCentsAfter),
            invoice: outcome.invoiceAfter,
          },
          receiptFor,
          staffNotice: messagesDue
            ? {
                invoiceNumber: outcome.invoiceNumber,
                matterId: outcome.matterId,
                amountDueCentsAfter: outcome.amountDueCentsAfter,
              }
            : null,
        });
        if (receiptFor && followed.receipt === 'needs the practice system')
          await sendReceiptOrHoldIt({ firmId, payment, invoiceNumber: receiptFor });
        if (changedSince()) continue;
        return status;
      }
      for (const invoiceNumber of woken) {
        await tellInvoice(invoiceNumber, outcome.paidCentsAfter, outcome.amountDueCentsAfter);
        await vendor.expireStaleCheckouts({ firmId, invoiceNumber });
      }
      // The money has moved: now the client's receipt and the staff notice, each keyed by the payment, so asking
      // again (a duplicate event, a retry whose first answer was lost) never sends a second one.
      if (messagesDue && rule(RECEIPTS_AND_STAFF_NOTICE)) {
        if (outcome.invoiceNumber && payment.kind === 'charge') {
          const receipt = { firmId, payment, invoiceNumber: outcome.invoiceNumber };
          if (rule(RECEIPT_READS_OFF_THE_TASK)) {
            // The client's address is not on the invoice (it was never emailed): the practice-system read waits on its
            // rate limit, so it runs as an activity of its own, not inside this workflow task.
            if (
              (await store.sendPaymentReceipt({ ...receipt, mayReadPracticeSystem: false })) ===
              'needs the practice system'
            )
              await sendReceiptOrHoldIt(receipt);
          } else await store.sendPaymentReceipt(receipt);
        }
        await store.notifyStaffOfPayment({
          firmId,
          payment,
          invoiceNumber: outcome.invoiceNumber,
          matterId: outcome.matterId,
          amountDueCentsAfter: outcome.amountDueCentsAfter,
        });
      }
      if (changedSince()) continue;
      return status;
    }
    if (outcome.state === 'ignored' || outcome.state === 'rejected') {
      Object.assign(status, { state: outcome.state, detail: outcome.reason });
      publish();
      if (!readsCurrentState) {
        if (payment.status === 'failed') await vendor.noteUnappliedPayment({ firmId, payment, reason: outcome.reason });
        return status;
      }
      if (changedSince()) continue;
      return status;
    }
    Object.assign(status, { state: outcome.state, detail: outcome.reason });
    publish();
    await condition(() => retryRequested || changed, waitMs);
    retryRequested = false;
    waitMs = Math.min(waitMs * 2, LONGEST_RETRY_MS);
  }
  return continueAsNew<typeof paymentReconciliation>({ ...input, payment, attempts: status.attempts });

  /**
   * The transaction as the processor has it now. If the processor cannot be read for good (credentials revoked, a
   * shape we do not understand, hours of outage), the copy this workflow was started with decides: it came from the
   * processor too (a signed Stripe event, a LawPay transaction the ingress re-fetched, the sweep's listing), so the
   * payment is applied rather than lost, and the next event or sweep corrects it.
   */
  async function currentState(): Promise<Payment | null> {
    try {
      return await vendor.fetchTransaction({ firmId, transactionId: payment.transactionId });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      status.detail = `could not read ${payment.processor} (${err.cause?.message ?? err.message}); applied as last seen`;
      return payment;
    }
  }

  /**
   * The money is applied before any message: a receipt that fails for good (its matter deleted in the practice
   * system, six hours of outage) becomes an alert for the firm, and the payment's workflow still completes.
   */
  async function sendReceiptOrHoldIt(receipt: { firmId: string; payment: Payment; invoiceNumber: string }) {
    const holds = rule(RECEIPT_FAILURE_HELD);
    try {
      await remoteSteps.vendor.sendPaymentReceipt(receipt);
    } catch (err) {
      if (!holds || !(err instanceof ActivityFailure)) throw err;
      const reason = err.cause?.message ?? err.message;
      await store.holdPaymentReceipt({ ...receipt, reason });
    }
  }

  function wakeSignal(paidCentsAfter: number, amountDueCentsAfter: number): PaymentReceived {
    return {
      processor: payment.processor,
      transactionId: payment.transactionId,
      kind: payment.kind,
      amountCents: payment.amountCents,
      paidCentsAfter,
      amountDueCentsAfter,
    };
  }

  /** Wakes the invoice (it reloads its money from the store); an invoice whose workflow had finished is reopened. */
  async function tellInvoice(
    invoiceNumber: string,
    paidCentsAfter: number,
    amountDueCentsAfter: number,
  ): Promise<void> {
    const signal = wakeSignal(paidCentsAfter, amountDueCentsAfter);
    if (rule(WAKE_BY_ACTIVITY)) {
      await store.wakeInvoice({ firmId, invoiceNumber, payment: signal, policy });
      return;
    }
    // Histories from before the rule signal, and reopen with a child start (two reopeners at once could fail here).
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
