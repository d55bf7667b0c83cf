import type { Payment } from '../connectors/ports';
import type { BillingPolicy } from '../shared/billingPolicy';
import type { PaymentReceived } from '../shared/messages';
import { checkoutActivities } from './checkouts';
import type { ActivityDeps } from './deps';
import { invoiceWakeupActivities } from './invoiceWakeups';
import { receiptActivities, type ReceiptOutcome } from './receipts';

export interface PaymentFollowUps {
  firmId: string;
  payment: Payment;
  policy: BillingPolicy;
  /** Each invoice whose money the payment moved (its own, and those the matter's credit paid down), woken in order. */
  invoiceNumbers: string[];
  /** What each of them is told: the payment and the money after it (a wake-up; the invoice reloads from the store). */
  wakeSignal: PaymentReceived;
  /** The invoice whose client gets a receipt, when the payment is a completed charge on one. */
  receiptFor: string | null;
  /** The staff notice, when the payment is a completed charge or refund. */
  staffNotice: { invoiceNumber: string | null; matterId: string; amountDueCentsAfter: number } | null;
}

export function paymentFollowUpActivities(deps: ActivityDeps) {
  const wakeups = invoiceWakeupActivities(deps);
  const checkouts = checkoutActivities(deps);
  const messages = receiptActivities(deps);

  return {
    /**
     * What follows an applied payment, as one step of the payment's workflow task: wake each invoice (it reloads from
     * the store), send the client's receipt and the staff notice, expire the checkouts that ask for another amount.
     * One local activity instead of four: each costs the workflow an activation, a marker and two payload encodings,
     * about a tenth of a payment's CPU on the embedded engine (README, *Payments against the engine's ceiling*). Every
     * part is idempotent by its own key (a wake reloads again, an expired checkout is skipped, each email is recorded
     * by the payment's key before it is sent), so a retry of the whole step repeats nothing a firm or client would see.
     * A receipt whose client address is only in the practice system is left to the workflow, which sends it as an
     * activity of its own: this step never waits on the practice system's rate limit.
     */
    async followUpAppliedPayment(input: PaymentFollowUps): Promise<{ receipt: ReceiptOutcome | null }> {
      const { firmId, payment, policy } = input;
      for (const invoiceNumber of input.invoiceNumbers)
        await wakeups.wakeInvoice({ firmId, invoiceNumber, payment: input.wakeSignal, policy });
      const receipt = input.receiptFor
        ? await messages.sendPaymentReceipt({
            firmId,
            payment,
            invoiceNumber: input.receiptFor,
            mayReadPracticeSystem: false,
          })
        : null;
      if (input.staffNotice) await messages.notifyStaffOfPayment({ firmId, payment, ...input.staffNotice });
      // Last, as it is the one part that calls the processor: a processor that keeps failing holds up no email, and
      // the step retries until the checkout is expired (a stale one could take money the invoice no longer owes).
      for (const invoiceNumber of input.invoiceNumbers) await checkouts.expireStaleCheckouts({ firmId, invoiceNumber });
      return { receipt };
    },
  };
}
