import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { openCheckout } from '../../activities/checkouts';
import { VendorError } from '../../connectors/errors';
import { InvoiceRepository } from '../../store/invoices';
import { PayLinkRepository, type PayLinkStatus } from '../../store/payLinks';
import { page } from './pages';
import type { IngressDeps } from './server';

const closedPages: Record<Exclude<PayLinkStatus, 'outstanding'>, [string, string]> = {
  paid: ['This invoice is paid', 'Thank you: there is nothing left to pay on this invoice.'],
  cancelled: ['This payment link was cancelled', 'Please contact the firm for a current invoice.'],
  expired: ['This payment link has expired', 'Please contact the firm for a new payment link.'],
};

/**
 * GET /pay/:token (DESIGN §4.4): sends the client to the processor's checkout for the balance due at this moment,
 * so a partial payment never needs a new link and an expired processor session never strands the client.
 */
export function registerPayLinks(app: FastifyInstance, deps: IngressDeps): void {
  const links = new PayLinkRepository(deps.db);
  const invoices = new InvoiceRepository(deps.db);
  const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

  app.get('/pay/:token', async (req, reply) => {
    const token = tokenSchema.safeParse((req.params as { token?: string }).token);
    const link = token.success ? await links.byToken(token.data) : null;
    if (!link) {
      deps.metrics.payLinkOpens.inc({ outcome: 'unknown' });
      return reply.code(404).type('text/html').send(page('Payment link not found', 'Please check the link in your email, or contact the firm.'));
    }
    const invoice = await invoices.get(link.firmId, link.invoiceNumber);
    const status: PayLinkStatus = link.status === 'outstanding' && (!invoice || invoice.amountDueCents === 0) ? 'paid' : link.status;
    if (status !== 'outstanding' || !invoice) {
      deps.metrics.payLinkOpens.inc({ outcome: status });
      const [title, message] = closedPages[status === 'outstanding' ? 'paid' : status];
      return reply.code(410).type('text/html').send(page(title, message));
    }
    const firm = deps.firms.get(link.firmId);
    try {
      const checkout = await openCheckout(deps.db, firm, invoice, `${firm.publicBaseUrl}/pay/${link.token}`);
      await links.recordOpen(link.token);
      deps.metrics.payLinkOpens.inc({ outcome: 'redirected' });
      return reply.redirect(checkout.url, 303);
    } catch (err) {
      if (!(err instanceof VendorError)) throw err;
      deps.logger.warn({ err: err.message, invoice: invoice.invoiceNumber }, 'pay link: processor checkout failed');
      deps.metrics.payLinkOpens.inc({ outcome: 'processor-unavailable' });
      return reply.code(503).type('text/html').send(page('Payment is briefly unavailable', 'The payment processor did not answer. Please try the link again in a few minutes.'));
    }
  });
}
