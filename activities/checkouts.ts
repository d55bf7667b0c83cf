import { VendorRejectedError, VendorUnavailableError } from '../connectors/errors';
import type { Checkout } from '../connectors/ports';
import { formatCents } from '../domain/money';
import { AlertRepository } from '../store/alerts';
import type { Db } from '../store/db';
import type { FirmServices } from './deps';
import { CheckoutRepository } from '../store/checkouts';
import { InvoiceRepository } from '../store/invoices';
import type { ActivityDeps } from './deps';

/**
 * Stripe's answer to expiring a session that is not open (400: completed or expired already) or that it does not
 * know (404): nothing is left to close. Any other refusal, above all a key rolled or revoked (401) or an account
 * disconnected (403), says nothing about the session, which may still be open for the old amount: the step fails as
 * retryable and is tried again until Stripe takes the call.
 */
function sessionNoLongerOpen(err: unknown): boolean {
  return err instanceof VendorRejectedError && !err.connectionRefused && (err.status === 400 || err.status === 404);
}

export function checkoutActivities(deps: ActivityDeps) {
  const checkouts = new CheckoutRepository(deps.db);
  const invoices = new InvoiceRepository(deps.db);
  const alerts = new AlertRepository(deps.db);
  /** One alert per session the processor will not let matterpay close, resolved once it is closed. */
  const NOT_EXPIRED = 'checkout-not-expired';
  const alertSubject = (checkout: { processor: string; checkoutId: string }) =>
    `checkout/${checkout.processor}/${checkout.checkoutId}`;

  return {
    /**
     * Expires the processor checkouts of an invoice that ask for anything but its balance due now (all of them once
     * it is paid or void), so a stale Stripe Checkout Session cannot take money the invoice does not owe. Idempotent:
     * an expired checkout is marked and skipped; one the processor already closed counts as expired.
     */
    async expireStaleCheckouts(input: { firmId: string; invoiceNumber: string }): Promise<{ expired: number }> {
      const { processor } = deps.firm(input.firmId);
      const open = await checkouts.open(input.firmId, input.invoiceNumber);
      // Most payments come through a link with no processor checkout open: then the balance need not be read.
      if (open.length === 0) return { expired: 0 };
      const invoice = await invoices.require(input.firmId, input.invoiceNumber);
      let expired = 0;
      for (const checkout of open) {
        if (checkout.amountCents === invoice.amountDueCents && invoice.amountDueCents > 0) continue;
        if (checkout.processor === processor.name && processor.expireCheckout) {
          try {
            await processor.expireCheckout(checkout.checkoutId);
          } catch (err) {
            if (err instanceof VendorRejectedError && !sessionNoLongerOpen(err)) {
              // The firm is told at once (the retries may last until someone fixes the key), in words that carry
              // no part of the processor's answer: Stripe's 401 quotes the key it refused.
              await alerts.raise(
                input.firmId,
                NOT_EXPIRED,
                alertSubject(checkout),
                `${checkout.processor} refused to expire checkout ${checkout.checkoutId} (HTTP ${err.status ?? 'error'}), opened for ${formatCents(checkout.amountCents)} on invoice ${input.invoiceNumber}, which now owes ${formatCents(invoice.amountDueCents)}${invoice.status === 'void' ? ' (void)' : ''}: the session stays open and could still take that money. matterpay tries again until ${checkout.processor} accepts. Check ${checkout.processor === 'stripe' ? 'STRIPE_SECRET_KEY' : "matterpay's key for the processor"} (a key rolled in the dashboard answers 401) and the connected account, or expire the session in the processor's dashboard.`,
              );
              // Retryable on every path that expires (a payment's follow-ups, a void): the session must be closed.
              throw new VendorUnavailableError(
                err.vendor,
                `${err.message} (checkout ${checkout.checkoutId} stays open at the processor: its expiry is tried again)`,
                err.status,
              );
            }
            if (!sessionNoLongerOpen(err)) throw err;
          }
        }
        // The alert first: a crash between the two leaves the session open, and the retry raises it again if need be.
        await alerts.resolve(input.firmId, NOT_EXPIRED, alertSubject(checkout));
        await checkouts.markExpired(input.firmId, checkout.processor, checkout.checkoutId);
        expired++;
      }
      return { expired };
    },
  };
}

/**
 * Opens the processor's checkout for an invoice's balance due now, and records it so it can be expired when that
 * balance changes. The idempotency key names the balance and how many checkouts were expired before, so a retried
 * open reuses its session while a balance that comes back to an earlier figure gets a fresh one, not the expired one.
 * Null when the balance changed while the checkout was opened: it is closed again, and the page shows what changed.
 */
export async function openCheckout(
  db: Db,
  firm: FirmServices,
  invoice: { invoiceNumber: string; amountDueCents: number },
  returnUrl: string,
  clientEmail: string | null = null,
): Promise<Checkout | null> {
  const checkouts = new CheckoutRepository(db);
  const generation = await checkouts.expiredCount(firm.firmId, invoice.invoiceNumber);
  const checkout = await firm.processor.checkoutForLink({
    invoiceNumber: invoice.invoiceNumber,
    amountCents: invoice.amountDueCents,
    currency: firm.currency ?? 'USD',
    reference: invoice.invoiceNumber,
    idempotencyKey: `checkout/${firm.firmId}/${invoice.invoiceNumber}/${invoice.amountDueCents}/${generation}`,
    clientEmail,
    returnUrl,
  });
  if (checkout.processorCheckoutId) {
    await checkouts.record(firm.firmId, {
      processor: firm.processor.name,
      checkoutId: checkout.processorCheckoutId,
      invoiceNumber: invoice.invoiceNumber,
      amountCents: invoice.amountDueCents,
    });
    // A payment or a void that landed after the balance was read expired the checkouts recorded then, not this one:
    // read again now that it is recorded. Either that expiry lists it, or this read sees what changed.
    const now = await new InvoiceRepository(db).require(firm.firmId, invoice.invoiceNumber);
    if (now.amountDueCents !== invoice.amountDueCents || now.amountDueCents <= 0) {
      await checkoutActivities({ db, firm: () => firm }).expireStaleCheckouts({
        firmId: firm.firmId,
        invoiceNumber: invoice.invoiceNumber,
      });
      return null;
    }
  }
  return checkout;
}
