import { VendorError } from '../connectors/errors';
import { CheckoutRepository } from '../store/checkouts';
import { InvoiceRepository } from '../store/invoices';
import type { ActivityDeps } from './deps';

export function checkoutActivities(deps: ActivityDeps) {
  const checkouts = new CheckoutRepository(deps.db);
  const invoices = new InvoiceRepository(deps.db);

  return {
    /**
     * Expires the processor checkouts of an invoice that ask for anything but its balance due now (all of them once
     * it is paid or void), so a stale Stripe Checkout Session cannot take money the invoice does not owe. Idempotent:
     * an expired checkout is marked and skipped; one the processor already closed counts as expired.
     */
    async expireStaleCheckouts(input: { firmId: string; invoiceNumber: string }): Promise<{ expired: number }> {
      const { processor } = deps.firm(input.firmId);
      const invoice = await invoices.require(input.firmId, input.invoiceNumber);
      let expired = 0;
      for (const checkout of await checkouts.open(input.firmId, input.invoiceNumber)) {
        if (checkout.amountCents === invoice.amountDueCents && invoice.amountDueCents > 0) continue;
        if (checkout.processor === processor.name && processor.expireCheckout) {
          try {
            await processor.expireCheckout(checkout.checkoutId);
          } catch (err) {
            // A 4xx here means the session is no longer open (completed or expired already): nothing left to close.
            if (!(err instanceof VendorError) || err.retryable) throw err;
          }
        }
        await checkouts.markExpired(input.firmId, checkout.processor, checkout.checkoutId);
        expired++;
      }
      return { expired };
    },
  };
}
