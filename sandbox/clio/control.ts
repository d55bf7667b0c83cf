import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseControlInput } from '../common/controlInput';
import { faultPatchSchema } from '../common/faults';
import type { ClioContext } from './context';
import { billingTermsAsCustomFields } from './billingTerms';
import { clioError } from './errors';
import { expireAllAccessTokens, issueTokens } from './oauth';
import { createTimeEntry, submitTimeEntry } from './operations/activities';
import { createContact } from './operations/contacts';
import { createMatter, updateMatter } from './operations/matters';
import { postTrustEntry, type TrustPosting } from './operations/trustLedger';
import { userRecord, type ActivityRecord, type MatterRecord } from './state';
import { activitySummary, matterSummary, snapshotClioState } from './stateSnapshot';

const cents = z.number().int('must be a whole number of cents');
const billingMethod = z.enum(['hourly', 'flat', 'contingency']);
const status = z.enum(['open', 'pending', 'closed']);

const newMatterSchema = z
  .object({
    description: z.string().trim().min(1),
    client: z
      .object({
        name: z.string().trim().min(1),
        // Not validated as an address: a client with a bad email is a case the billing flow must handle.
        email: z.string().nullable().optional(),
      })
      .strict(),
    billing_method: billingMethod.default('hourly'),
    flat_fee_cents: cents.positive().optional(),
    billing_day: z.number().int().min(1).max(28).optional(),
    trust_balance_cents: cents.min(0).optional(),
    status: status.optional(),
    client_reference: z.string().optional(),
  })
  .strict();

const bulkMattersSchema = z
  .object({
    count: z.number().int().min(1).max(50_000),
    billing_method: billingMethod.default('hourly'),
    trust_balance_cents: cents.min(0).optional(),
  })
  .strict();

const newActivitySchema = z
  .object({
    matter_id: z.number().int().positive(),
    hours: z.number().positive().max(24),
    rate_cents: cents.min(0),
    note: z.string().optional(),
    non_billable: z.boolean().optional(),
    draft: z.boolean().optional(),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)')
      .optional(),
  })
  .strict();

const matterStatusSchema = z.object({ status }).strict();
const ledgerDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)')
  .refine((d) => !Number.isNaN(Date.parse(d)), 'must be a real date');
const description = z.string().trim().min(1, 'must say what the money is for').max(500);
/** `date` is an extension (back-dating a line, as a bookkeeper entering last week's cheque does). */
const trustDrawSchema = z
  .object({ amount_cents: cents.positive(), description: description.optional(), date: ledgerDate.optional() })
  .strict();
const trustMovementSchema = z
  .object({ amount_cents: cents.positive(), description, date: ledgerDate.optional() })
  .strict();

function numericParam(request: FastifyRequest, name: string): number {
  const raw = (request.params as Record<string, string | undefined>)[name] ?? '';
  if (!/^\d+$/.test(raw)) throw clioError(400, `${name}: must be a numeric id`);
  return Number(raw);
}

function matterOr404(ctx: ClioContext, id: number): MatterRecord {
  const matter = ctx.state.matters.get(id);
  if (!matter) throw clioError(404, `Matter ${id} not found`);
  return matter;
}

function activityOr404(ctx: ClioContext, id: number): ActivityRecord {
  const activity = ctx.state.activities.get(id);
  if (!activity) throw clioError(404, `Activity ${id} not found`);
  return activity;
}

/** The `/__sandbox` contract (docs/architecture.md §6): no auth, no rate limit, no injected faults. */
export function registerClioControlRoutes(app: FastifyInstance, ctx: ClioContext): void {
  app.post('/__sandbox/reset', async () => {
    ctx.reset();
    return { ok: true };
  });

  app.get('/__sandbox/state', async () => snapshotClioState(ctx));

  app.post('/__sandbox/faults', async (request) =>
    ctx.faults.update(parseControlInput(faultPatchSchema, request.body)),
  );

  app.post('/__sandbox/matters', async (request, reply) => {
    const input = parseControlInput(newMatterSchema, request.body);
    const client = createContact(ctx, { name: input.client.name, email: input.client.email ?? null });
    const matter = createMatter(ctx, {
      client_id: client.id,
      description: input.description,
      billing_method: input.billing_method,
      status: input.status,
      client_reference: input.client_reference,
      trust_balance_cents: input.trust_balance_cents,
      custom_field_values: billingTermsAsCustomFields(ctx, input),
    });
    return reply.code(201).send({ id: matter.id, display_number: matter.display_number, client_id: client.id });
  });

  /** Extension: many matters at once (backfill and paging tests need thousands). */
  app.post('/__sandbox/matters/bulk', async (request, reply) => {
    const input = parseControlInput(bulkMattersSchema, request.body);
    const ids: number[] = [];
    for (let index = 1; index <= input.count; index += 1) {
      const serial = ctx.state.sequences.matterNumber + 1;
      const client = createContact(ctx, { name: `Bulk Client${serial}`, email: `client${serial}@sandbox.example` });
      ids.push(
        createMatter(ctx, {
          client_id: client.id,
          description: `Bulk matter ${serial}`,
          billing_method: input.billing_method,
          trust_balance_cents: input.trust_balance_cents,
        }).id,
      );
    }
    return reply.code(201).send({ count: ids.length, first_id: ids[0], last_id: ids[ids.length - 1], ids });
  });

  app.patch('/__sandbox/matters/:id', async (request) => {
    const matter = matterOr404(ctx, numericParam(request, 'id'));
    const input = parseControlInput(matterStatusSchema, request.body);
    updateMatter(ctx, matter, { status: input.status });
    return matterSummary(ctx.state, matter);
  });

  app.post('/__sandbox/activities', async (request, reply) => {
    const input = parseControlInput(newActivitySchema, request.body);
    matterOr404(ctx, input.matter_id);
    const activity = createTimeEntry(ctx, input);
    return reply.code(201).send({ id: activity.id, total_cents: activity.total_cents, draft: activity.draft });
  });

  app.post('/__sandbox/activities/:id/submit', async (request) => {
    const activity = submitTimeEntry(ctx, activityOr404(ctx, numericParam(request, 'id')));
    return activitySummary(activity);
  });

  const trustRoute = (action: 'apply' | 'withdraw' | 'deposit', toPosting: (body: unknown) => TrustPosting) => {
    app.post(`/__sandbox/trust/:matterId/${action}`, async (request, reply) => {
      const matter = matterOr404(ctx, numericParam(request, 'matterId'));
      const entry = postTrustEntry(ctx, matter, toPosting(request.body));
      return reply.code(201).send({
        matter_id: matter.id,
        trust_balance_cents: matter.trust_balance_cents,
        bank_transaction_id: entry.id,
        date: entry.date,
      });
    });
  };
  // A bookkeeper posting matterpay's draw in Clio: refused beyond the balance, as Clio refuses to over-apply trust.
  trustRoute('apply', (body) => {
    const input = parseControlInput(trustDrawSchema, body);
    return {
      direction: 'withdrawal',
      amountCents: input.amount_cents,
      description: input.description ?? 'Trust applied to invoice',
      date: input.date,
      refuseOverdraw: true,
    };
  });
  // Any other withdrawal (a filing fee paid from trust). Not stopped at the balance: that mistake is what the
  // trust report must catch.
  trustRoute('withdraw', (body) => {
    const input = parseControlInput(trustMovementSchema, body);
    return {
      direction: 'withdrawal',
      amountCents: input.amount_cents,
      description: input.description,
      date: input.date,
    };
  });
  trustRoute('deposit', (body) => {
    const input = parseControlInput(trustMovementSchema, body);
    return { direction: 'deposit', amountCents: input.amount_cents, description: input.description, date: input.date };
  });

  /** Extension: a token pair without the browser dance, for the embedded stack and tests. */
  app.post('/__sandbox/tokens', async (_request, reply) => reply.code(201).send(issueTokens(ctx)));

  app.post('/__sandbox/tokens/expire', async () => ({ expired: expireAllAccessTokens(ctx) }));

  /** Extension: another user account of the firm (a different identity for `who_am_i`). */
  app.post('/__sandbox/users', async (request, reply) => {
    const input = parseControlInput(newUserSchema, request.body);
    const id = Math.max(...ctx.state.users.keys()) + 1;
    ctx.state.users.set(id, userRecord(id, input, ctx.nowIso()));
    return reply.code(201).send({ id });
  });

  /** Extension: who is signed in to Clio in the admin's browser, and so approves the next `/oauth/authorize`. */
  app.post('/__sandbox/signed_in_user', async (request) => {
    const input = parseControlInput(z.object({ user_id: z.number().int() }).strict(), request.body);
    if (!ctx.state.users.has(input.user_id)) throw clioError(404, `user ${input.user_id} does not exist`);
    ctx.state.signedInUserId = input.user_id;
    return { user_id: input.user_id };
  });
}

const newUserSchema = z.object({ name: z.string().trim().min(1), email: z.string().trim().min(3) }).strict();
