import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { openCheckout } from '../../activities/checkouts';
import { clientFacingOf } from '../../activities/deps';
import { VendorError } from '../../connectors';
import { invoicePdfName, renderInvoicePdf } from '../../documents/invoicePdf';
import type { InvoiceView } from '../../documents/invoiceView';
import { processorDisplayName } from '../../shared/processors';
import { loadInvoiceView } from '../../documents/loadInvoiceView';
import { receiptPdfName, renderReceiptPdf } from '../../documents/receiptPdf';
import { receiptFromInvoiceView } from '../../documents/receiptView';
import { PayLinkRepository, type PayLink } from '../../store/payLinks';
import { invoicePage, page, pageStylesheet, type LinkState } from './pages';
import type { IngressDeps } from './server';

const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const transactionSchema = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/);

/**
 * The client's side of a pay link (docs/domain.md §4.4): `GET /pay/:token` is the hosted page of that one invoice (lines,
 * trust, payments, balance, due date, status in the client's words, PDF); its Pay button POSTs to
 * `/pay/:token/checkout`, which opens the processor's checkout for the balance due at that moment. A paid,
 * cancelled or expired link shows the same page read-only. Nothing here names any other invoice: every route
 * starts from the token and reads only that link's invoice.
 */
export function registerPayLinks(app: FastifyInstance, deps: IngressDeps): void {
  const links = new PayLinkRepository(deps.db);

  // An encapsulated scope: the security headers below apply to the client's pages only.
  void app.register(async (scope) => {
    await scope.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'"],
          baseUri: ["'none'"],
          frameAncestors: ["'none'"],
          // No form-action: the Pay button's POST is answered with a redirect to the processor's own origin.
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginEmbedderPolicy: false,
    });
    scope.addHook('onSend', async (_req, reply, payload) => {
      // The page holds a client's name and balance: never indexed, never cached by a browser or a proxy.
      reply.header('x-robots-tag', 'noindex, nofollow');
      reply.header('cache-control', 'no-store');
      return payload;
    });

    scope.get('/pay-assets/page.css', async (_req, reply) =>
      reply.type('text/css; charset=utf-8').send(pageStylesheet),
    );

    scope.get('/pay/:token', async (req, reply) => {
      const found = await open(req.params);
      if (!found.ok) return found.reply(reply);
      const { link, view, state } = found;
      deps.metrics.payLinkOpens.inc({ outcome: state === 'outstanding' ? 'page' : state });
      if (state === 'outstanding') await links.recordOpen(link.token);
      const firm = deps.firms.get(link.firmId);
      const base = `/pay/${link.token}`;
      return reply
        .code(state === 'outstanding' || state === 'paid' ? 200 : 410)
        .type('text/html; charset=utf-8')
        .send(
          invoicePage(view, state, {
            payAction: `${base}/checkout`,
            pdfUrl: `${base}/invoice.pdf`,
            receiptUrl: (transactionId) => `${base}/receipts/${encodeURIComponent(transactionId)}.pdf`,
            processorName: processorDisplayName(firm.processor.name),
          }),
        );
    });

    scope.post('/pay/:token/checkout', async (req, reply) => {
      const found = await open(req.params);
      if (!found.ok) return found.reply(reply);
      const { link, view, state } = found;
      // Not payable any more (paid a moment ago, cancelled, expired): back to the page, which says why.
      if (state !== 'outstanding') return reply.redirect(`/pay/${link.token}`, 303);
      const firm = deps.firms.get(link.firmId);
      try {
        // Same invoice and balance, same key: pressing Pay twice opens one checkout, not two (activities/checkouts.ts).
        const checkout = await openCheckout(deps.db, firm, view, `${firm.publicBaseUrl}/pay/${link.token}`);
        // Paid or voided while the checkout opened: it was closed again, and the page says what changed.
        if (!checkout) return reply.redirect(`/pay/${link.token}`, 303);
        deps.metrics.payLinkOpens.inc({ outcome: 'redirected' });
        return reply.redirect(checkout.url, 303);
      } catch (err) {
        if (!(err instanceof VendorError)) throw err;
        deps.logger.warn({ err: err.message, invoice: view.invoiceNumber }, 'pay link: processor checkout failed');
        deps.metrics.payLinkOpens.inc({ outcome: 'processor-unavailable' });
        return reply
          .code(503)
          .type('text/html; charset=utf-8')
          .send(
            page(
              'Payment is briefly unavailable',
              'The payment processor did not answer. Please go back and press Pay again in a few minutes.',
            ),
          );
      }
    });

    scope.get('/pay/:token/invoice.pdf', async (req, reply) => {
      const found = await open(req.params);
      if (!found.ok) return found.reply(reply);
      const firm = deps.firms.get(found.link.firmId);
      const pdf = await renderInvoicePdf(found.view, {
        payLinkUrl: found.state === 'outstanding' ? `${firm.publicBaseUrl}/pay/${found.link.token}` : null,
      });
      return pdfReply(reply, invoicePdfName(found.view.invoiceNumber), pdf);
    });

    scope.get('/pay/:token/receipts/:transaction', async (req, reply) => {
      const found = await open(req.params);
      if (!found.ok) return found.reply(reply);
      const transaction = transactionSchema.safeParse(
        String((req.params as { transaction?: string }).transaction ?? '').replace(/\.pdf$/, ''),
      );
      const receipt = transaction.success ? receiptFromInvoiceView(found.view, transaction.data) : null;
      if (!receipt) return notFound(reply, 'Receipt not found', 'There is no such payment on this invoice.');
      return pdfReply(
        reply,
        receiptPdfName(receipt.invoiceNumber, receipt.transactionId),
        await renderReceiptPdf(receipt),
      );
    });
  });

  type Opened =
    | { ok: true; link: PayLink; view: InvoiceView; state: LinkState }
    | { ok: false; reply: (reply: FastifyReply) => FastifyReply };

  /** The link behind the token and its invoice's client view, or the 404 page for a token that names nothing. */
  async function open(params: unknown): Promise<Opened> {
    const token = tokenSchema.safeParse((params as { token?: string }).token);
    const link = token.success ? await links.byToken(token.data) : null;
    const firm = link ? deps.firms.get(link.firmId) : null;
    const view =
      link && firm
        ? await loadInvoiceView(deps.db, {
            firmId: link.firmId,
            invoiceNumber: link.invoiceNumber,
            clientFacing: clientFacingOf(firm),
            timeZone: firm.timeZone,
          })
        : null;
    if (!link || !view) {
      deps.metrics.payLinkOpens.inc({ outcome: 'unknown' });
      return {
        ok: false,
        reply: (reply) =>
          notFound(reply, 'Payment link not found', 'Please check the link in your email, or contact the firm.'),
      };
    }
    const state: LinkState = link.status === 'outstanding' && view.amountDueCents === 0 ? 'paid' : link.status;
    return { ok: true, link, view, state };
  }
}

function notFound(reply: FastifyReply, title: string, message: string): FastifyReply {
  return reply.code(404).type('text/html; charset=utf-8').send(page(title, message));
}

function pdfReply(reply: FastifyReply, filename: string, pdf: Buffer): FastifyReply {
  return reply.type('application/pdf').header('content-disposition', `attachment; filename="${filename}"`).send(pdf);
}
