import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SandboxHttpError } from '../common/httpError';
import type { LawPayContext } from './context';
import { DECLINED_TEST_CARD, cardMethod, cardMethodForToken, isLuhnValid } from './cards';
import { lawPayError } from './errors';
import { createdWithin, ordered, pageOf, queryOf, single } from './listing';
import { allAccounts } from './merchant';
import { createCharge, refundCharge, voidTransaction } from './payments';
import type { CardMethod, Transaction } from './state';

/** The docs send amounts as strings; both forms are integer cents. */
const cents = z
  .union([z.number().int(), z.string().regex(/^\d+$/, 'must be an integer number of cents').transform(Number)])
  .refine((value) => value > 0, 'must be a positive number of cents');

const inlineCard = z.object({
  type: z.literal('card'),
  number: z.string().min(12),
  exp_month: z.coerce.number().int().min(1).max(12).optional(),
  exp_year: z.coerce.number().int().optional(),
  name: z.string().optional(),
});

const chargeSchema = z.object({
  amount: cents,
  currency: z.literal('USD').default('USD'),
  // Any one-time token id is accepted in the sandbox; an inline card is validated.
  method: z.union([z.string().min(1), inlineCard]),
  account_id: z.string().min(1),
  reference: z.string().nullable().optional(),
  auto_capture: z.boolean().optional(),
});

const refundSchema = z.object({ amount: cents.optional(), reference: z.string().nullable().optional() });
const voidSchema = z.object({ reference: z.string().nullable().optional() });

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  throw new SandboxHttpError(422, {
    messages: parsed.error.issues.map((issue) => ({
      code: 'invalid_request',
      level: 'error',
      message: `${issue.path.join('.') || 'body'}: ${issue.message}`,
      context: issue.path.join('.'),
    })),
  });
}

function transactionOr404(ctx: LawPayContext, request: FastifyRequest): Transaction {
  const { id } = request.params as { id: string };
  const transaction = ctx.state.transactions.get(id);
  if (!transaction) throw lawPayError(404, 'not_found', `Transaction ${id} not found`, { entity_id: id });
  return transaction;
}

function methodOf(method: string | z.infer<typeof inlineCard>): { method: CardMethod; declined: boolean } {
  if (typeof method === 'string') return { method: cardMethodForToken(), declined: false };
  const digits = method.number.replace(/\D/g, '');
  if (!isLuhnValid(digits))
    throw lawPayError(422, 'invalid_card_number', 'The card number is not valid', { context: 'method.number' });
  return { method: cardMethod({ ...method, number: digits }), declined: digits === DECLINED_TEST_CARD };
}

export function registerTransactionRoutes(api: FastifyInstance, ctx: LawPayContext): void {
  api.post('/v1/charges', async (request, reply) => {
    const input = parseBody(chargeSchema, request.body);
    if (input.auto_capture === false) {
      throw lawPayError(
        422,
        'not_supported',
        'The sandbox does not emulate authorize-only charges (auto_capture=false)',
        { context: 'auto_capture' },
      );
    }
    if (!allAccounts(ctx.merchant).some((account) => account.id === input.account_id)) {
      throw lawPayError(422, 'invalid_account', `Account ${input.account_id} does not exist for this merchant`, {
        context: 'account_id',
      });
    }
    const { method, declined } = methodOf(input.method);
    const { transaction } = createCharge(ctx, {
      amount: input.amount,
      account_id: input.account_id,
      reference: input.reference ?? null,
      method,
      declined,
    });
    if (declined) {
      throw lawPayError(422, 'card_declined', 'The card was declined', { entity_id: transaction.id });
    }
    return reply.code(200).send(transaction);
  });

  api.get('/v1/transactions', async (request) => {
    const query = queryOf(request);
    const text = single(query, 'q')?.toLowerCase();
    const accountId = single(query, 'account_id');
    const inWindow = createdWithin<Transaction>(query);
    const matching = [...ctx.state.transactions.values()].filter(
      (transaction) =>
        inWindow(transaction) &&
        (accountId === undefined || transaction.account_id === accountId) &&
        (text === undefined || (transaction.reference ?? '').toLowerCase().includes(text)),
    );
    return pageOf(ordered(matching, query, ['created', 'modified', 'amount']), query);
  });

  api.get('/v1/transactions/:id', async (request) => transactionOr404(ctx, request));

  api.post('/v1/charges/:id/refund', async (request) => {
    const charge = transactionOr404(ctx, request);
    const input = parseBody(refundSchema, request.body);
    return refundCharge(ctx, charge, input.amount, input.reference ?? null).transaction;
  });

  api.post('/v1/transactions/:id/void', async (request) => {
    const transaction = transactionOr404(ctx, request);
    const input = parseBody(voidSchema, request.body);
    return voidTransaction(ctx, transaction, input.reference ?? null).transaction;
  });
}
