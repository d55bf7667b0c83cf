import { z } from 'zod';

/** LawPay / AffiniPay gateway shapes (docs/vendors.md §2). Amounts are integer cents on the wire. */
const cents = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

export const transactionSchema = z.object({
  id: z.string().min(1),
  created: z.string(),
  type: z.enum(['CHARGE', 'REFUND', 'CREDIT']),
  status: z.string(),
  account_id: z.string().min(1),
  amount: cents,
  currency: z.string().default('USD'),
  reference: z.string().nullable().optional(),
  charge_id: z.string().nullable().optional(),
});
export type LawPayTransaction = z.output<typeof transactionSchema>;

export const transactionPageSchema = z.object({
  page: z.number().int(),
  page_size: z.number().int(),
  total_entries: z.number().int(),
  results: z.array(transactionSchema),
});

/** Gateway ids are short tokens; anything else is refused before it reaches a URL or a log line. */
const gatewayId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a gateway id (1-64 letters, digits, _ or -)');

export const eventSchema = z.object({
  id: gatewayId,
  created: z.string().optional(),
  type: z.string().max(100),
  data: z.object({ id: gatewayId }).passthrough(),
});

/** `GET /v1/events`: the page is checked; each event apart (transactionEventSchema), so an odd one is skipped. */
export const eventPageSchema = z.object({
  page: z.number().int(),
  page_size: z.number().int(),
  total_entries: z.number().int(),
  results: z.array(z.unknown()),
});

/** An event about a transaction, carrying the transaction as it was then (docs/vendors.md §2.6). */
export const transactionEventSchema = z.object({
  id: gatewayId,
  created: z.string(),
  type: z.string().startsWith('transaction.'),
  data: z.object({ id: gatewayId, created: z.string() }).passthrough(),
});

const account = z.object({ id: z.string().min(1), name: z.string(), trust_account: z.boolean().default(false) });
export const merchantSchema = z.object({
  merchant_accounts: z.array(account).default([]),
  ach_accounts: z.array(account).default([]),
});

export const errorBodySchema = z.object({
  messages: z.array(z.object({ code: z.string().optional(), message: z.string() })),
});
