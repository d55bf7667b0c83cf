import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { controlError, parseControlInput } from '../common/controlInput';
import { faultPatchSchema } from '../common/faults';
import { cardMethodForToken } from './cards';
import type { LawPayContext } from './context';
import { accountForSlug } from './merchant';
import { createCharge, refundCharge } from './payments';
import type { Transaction } from './state';
import { subscribeWebhook } from './webhooks';

const cents = z.number().int('must be a whole number of cents').positive();

const paySchema = z
  .object({
    amount_cents: cents,
    reference: z.string().min(1),
    /** Extension: `unlisted` pays into an account id that `GET /v1/merchant` does not list (one added later, say). */
    account: z.enum(['operating', 'trust', 'unlisted']).default('operating'),
    /** Extension: `failed` records a declined attempt (a FAILED transaction and `transaction.failed`). */
    outcome: z.enum(['completed', 'failed']).default('completed'),
    /** Extension: the settlement currency of the transaction (ISO 4217). */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
      .default('USD'),
  })
  .strict();

const creditSchema = z.object({ amount_cents: cents, reference: z.string().min(1).optional() }).strict();

const refundSchema = z.object({ amount_cents: cents.optional(), reference: z.string().optional() }).strict();

const webhookSchema = z
  .object({
    url: z.string().refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), 'must be an http(s) URL'),
  })
  .strict();

function transactionOr404(ctx: LawPayContext, id: string): Transaction {
  const transaction = ctx.state.transactions.get(id);
  if (!transaction) throw controlError(404, 'not_found', `Transaction ${id} not found`);
  return transaction;
}

/** The `/__sandbox` contract (docs/architecture.md §6): no auth, no rate limit, no injected faults. */
export function registerLawPayControlRoutes(app: FastifyInstance, ctx: LawPayContext): void {
  app.post('/__sandbox/reset', async () => {
    ctx.reset();
    return { ok: true };
  });

  app.get('/__sandbox/state', async () => ({
    merchant: ctx.merchant,
    transactions: [...ctx.state.transactions.values()],
    events: ctx.state.events,
    webhooks: [...ctx.state.webhooks.values()],
    deliveries: ctx.deliverer.log,
    request_counts: ctx.requestCounter.snapshot(),
    faults: ctx.faults.current,
  }));

  app.post('/__sandbox/faults', async (request) =>
    ctx.faults.update(parseControlInput(faultPatchSchema, request.body)),
  );

  /** What a client paying the hosted page does: a COMPLETED charge, its event and its webhook. */
  app.post('/__sandbox/pay', async (request, reply) => {
    const input = parseControlInput(paySchema, request.body);
    const accountId = input.account === 'unlisted' ? 'acct_unlisted' : accountForSlug(ctx.merchant, input.account)!.id;
    const { transaction, event } = createCharge(ctx, {
      amount: input.amount_cents,
      account_id: accountId,
      reference: input.reference,
      method: cardMethodForToken(),
      declined: input.outcome === 'failed',
      currency: input.currency,
    });
    return reply.code(201).send({ transaction_id: transaction.id, event_id: event.id, status: transaction.status });
  });

  /** Extension: money paid out from the operating account (a CREDIT, as `POST /v1/credits` makes), with its event. */
  app.post('/__sandbox/credit', async (request, reply) => {
    const input = parseControlInput(creditSchema, request.body);
    const { transaction, event } = createCharge(ctx, {
      amount: input.amount_cents,
      account_id: accountForSlug(ctx.merchant, 'operating')!.id,
      reference: input.reference ?? null,
      method: cardMethodForToken(),
      type: 'CREDIT',
    });
    return reply.code(201).send({ transaction_id: transaction.id, event_id: event.id, status: transaction.status });
  });

  /** Convenience: a refund as if issued from the gateway's dashboard (defaults to the full remaining amount). */
  app.post('/__sandbox/transactions/:id/refund', async (request, reply) => {
    const charge = transactionOr404(ctx, (request.params as { id: string }).id);
    const input = parseControlInput(refundSchema, request.body);
    const { transaction, event } = refundCharge(ctx, charge, input.amount_cents, input.reference ?? null);
    return reply.code(201).send({ transaction_id: transaction.id, event_id: event.id, charge_id: charge.id });
  });

  /** Extension: LawPay's webhook registration is undocumented, so URLs are registered here. */
  app.post('/__sandbox/webhooks', async (request, reply) => {
    const input = parseControlInput(webhookSchema, request.body);
    const { subscription, created } = subscribeWebhook(ctx, input.url);
    return reply.code(created ? 201 : 200).send(subscription);
  });

  app.delete('/__sandbox/webhooks/:id', async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    if (!ctx.state.webhooks.delete(id)) throw controlError(404, 'not_found', `Webhook ${id} not found`);
    return reply.code(204).send();
  });
}
