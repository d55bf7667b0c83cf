import { VendorRejectedError } from '../connectors/errors';
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
  /**
   * What each of them is told: the payment and the money after it (a wake-up), and the payment's own invoice as the
   * payment left it, which only that invoice takes (one the matter's credit paid down reads the store).
   */
  wakeSignal: PaymentReceived;
  /** The invoice whose client gets a receipt, when the payment is a completed charge on one. */
  receiptFor: string | null;
  /** The staff notice, when the payment is a completed charge or refund. */
  staffNotice: { invoiceNumber: string | null; matterId: string; amountDueCentsAfter: number } | null;
}

/**
 * A message the mail server refuses for good (a 5xx: a mailbox that does not exist, an address it will not take) is
 * held as an alert for the firm instead of failing the step: a retry cannot change the answer, and the step would
 * otherwise retry without end inside the payment's workflow task, its stale checkouts never expired. A refusal that
 * may pass (the server down, a 4xx) still fails the step, which is retried until the message goes.
 */
async function heldIfRefused<T, H>(send: () => Promise<T>, hold: (reason: string) => Promise<H>): Promise<T | H> {
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof VendorRejectedError)) throw err;
    return hold(`the mail server refused it (${err.message})`);
  }
}

export function paymentFollowUpActivities(deps: ActivityDeps) {
  const wakeups = invoiceWakeupActivities(deps);
  const checkouts = checkoutActivities(deps);
  const messages = receiptActivities(deps);

  /** The client's receipt and the staff notice, each held as an alert when the mail server refuses it for good. */
  async function sendMessages(input: PaymentFollowUps): Promise<ReceiptOutcome | 'held' | null> {
    const { firmId, payment } = input;
    const receiptFor = input.receiptFor;
    const receipt = receiptFor
      ? await heldIfRefused(
          () =>
            messages.sendPaymentReceipt({ firmId, payment, invoiceNumber: receiptFor, mayReadPracticeSystem: false }),
          async (reason) => {
            await messages.holdPaymentReceipt({ firmId, payment, invoiceNumber: receiptFor, reason });
            return 'held' as const;
          },
        )
      : null;
    const staffNotice = input.staffNotice;
    if (staffNotice)
      await heldIfRefused(
        () => messages.notifyStaffOfPayment({ firmId, payment, ...staffNotice }),
        (reason) => messages.holdStaffNotice({ firmId, payment, ...staffNotice, reason }),
      );
    return receipt;
  }

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
    async followUpAppliedPayment(input: PaymentFollowUps): Promise<{ receipt: ReceiptOutcome | 'held' | null }> {
      const { firmId, payment, policy } = input;
      for (const invoiceNumber of input.invoiceNumbers)
        await wakeups.wakeInvoice({ firmId, invoiceNumber, payment: input.wakeSignal, policy });
      // The emails, then the stale checkouts whatever the emails did: a mail server refusing matterpay's login (retried
      // until it is fixed) must not keep open a checkout that could take money the invoice no longer asks for.
      try {
        return { receipt: await sendMessages(input) };
      } finally {
        // Last, as it is the one part that calls the processor: a processor that keeps failing holds up no email, and
        // the step retries until the checkout is expired (a stale one could take money the invoice no longer owes).
        for (const invoiceNumber of input.invoiceNumbers)
          await checkouts.expireStaleCheckouts({ firmId, invoiceNumber });
      }
    },
  };
}
