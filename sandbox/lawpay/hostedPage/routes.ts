import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DECLINED_TEST_CARD, cardMethod, isLuhnValid } from '../cards';
import type { LawPayContext } from '../context';
import type { GatewayAccount } from '../merchant';
import { accountForSlug } from '../merchant';
import { createCharge } from '../payments';
import type { PaymentFormView } from './html';
import { renderConfirmation, renderNotFound, renderPaymentForm } from './html';

type Params = { merchant: string; account: string };
type Fields = Record<string, string | string[] | undefined>;

function text(fields: Fields, name: string): string {
  const value = fields[name];
  return (Array.isArray(value) ? value[value.length - 1] : value)?.trim() ?? '';
}

/** Query `amount` is in cents (`amount=1000` is $10.00), as on LawPay's pages. */
function centsFromQuery(raw: string): number | null {
  return /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : null;
}

/** The form field shows dollars ("1,250.00" or "$1250"). */
function centsFromDollars(raw: string): number | null {
  const cleaned = raw.replace(/[$,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  const cents = Math.round(Number(cleaned) * 100);
  return cents > 0 ? cents : null;
}

function readOnlyFields(query: Fields): Set<string> {
  return new Set(
    text(query, 'readOnlyFields')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
}

function html(reply: FastifyReply, statusCode: number, body: string): FastifyReply {
  return reply.code(statusCode).type('text/html; charset=utf-8').send(body);
}

function resolvePage(ctx: LawPayContext, request: FastifyRequest): GatewayAccount | undefined {
  const { merchant, account } = request.params as Params;
  return merchant === ctx.options.merchantSlug ? accountForSlug(ctx.merchant, account) : undefined;
}

/** The prefilled form: query values, with what the payer typed winning for fields that are not locked. */
function formView(
  ctx: LawPayContext,
  request: FastifyRequest,
  account: GatewayAccount,
  typed: Fields = {},
): PaymentFormView {
  const query = request.query as Fields;
  const locked = readOnlyFields(query);
  const queryAmount = centsFromQuery(text(query, 'amount'));
  const amountLocked = locked.has('amount') && queryAmount !== null;
  const typedAmount = text(typed, 'amount');
  const pick = (name: string, isLocked: boolean) =>
    isLocked || !text(typed, name) ? text(query, name) : text(typed, name);
  return {
    merchantName: ctx.merchant.name,
    accountName: account.name,
    action: request.url,
    amountCents: amountLocked || !typedAmount ? queryAmount : centsFromDollars(typedAmount),
    reference: pick('reference', locked.has('reference')),
    invoice: pick('Invoice', locked.has('invoice')),
    name: pick('name', false),
    email: pick('email', false),
    readOnly: { amount: amountLocked, reference: locked.has('reference'), invoice: locked.has('invoice') },
  };
}

/** `/pages/:merchant/:account`: the hosted page a pay link sends the client to (`operating` or `trust`). */
export function registerHostedPageRoutes(app: FastifyInstance, ctx: LawPayContext): void {
  app.get('/pages/:merchant/:account', async (request, reply) => {
    const account = resolvePage(ctx, request);
    if (!account) return html(reply, 404, renderNotFound());
    return html(reply, 200, renderPaymentForm(formView(ctx, request, account)));
  });

  app.post('/pages/:merchant/:account', async (request, reply) => {
    const account = resolvePage(ctx, request);
    if (!account) return html(reply, 404, renderNotFound());
    const typed = (request.body ?? {}) as Fields;
    const view = formView(ctx, request, account, typed);
    if (view.amountCents === null)
      return html(reply, 422, renderPaymentForm({ ...view, error: 'Enter an amount greater than zero.' }));
    const cardNumber = text(typed, 'card_number').replace(/\D/g, '');
    if (!isLuhnValid(cardNumber))
      return html(reply, 422, renderPaymentForm({ ...view, error: 'Enter a valid card number.' }));
    const expMonth = Number(text(typed, 'exp_month')) || undefined;
    const expYear = Number(text(typed, 'exp_year')) || undefined;
    const declined = cardNumber === DECLINED_TEST_CARD;
    const reference = view.reference || (view.invoice ? `Invoice ${view.invoice}` : '');
    const { transaction } = createCharge(ctx, {
      amount: view.amountCents,
      account_id: account.id,
      reference: reference || null,
      method: cardMethod({ number: cardNumber, exp_month: expMonth, exp_year: expYear, name: view.name || null }),
      declined,
    });
    if (declined)
      return html(reply, 402, renderPaymentForm({ ...view, error: 'Your card was declined. Try another card.' }));
    return html(
      reply,
      200,
      renderConfirmation({
        merchantName: ctx.merchant.name,
        transactionId: transaction.id,
        amountCents: transaction.amount,
        reference: transaction.reference,
      }),
    );
  });
}
