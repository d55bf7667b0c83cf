/**
 * The parts of Stripe objects matterpay reads, checked with zod. Only the fields we use are declared; Stripe may add
 * others at will. A missing or mistyped field becomes a typed error naming its path, never a crash further on.
 */
import { z } from 'zod';

/** Expandable references arrive either as an id or as the expanded object. */
const expandable = z.union([z.string().min(1), z.object({ id: z.string().min(1) })]);

export function expandableId(value: z.infer<typeof expandable> | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}

const metadata = z.record(z.string(), z.string()).nullish();

export const checkoutSessionSchema = z.object({
  id: z.string().min(1),
  url: z.url(),
  expires_at: z.number().int().nullish(),
});

export const paymentIntentSchema = z.object({
  id: z.string().min(1),
  amount: z.number().int().nonnegative(),
  amount_received: z.number().int().nonnegative().nullish(),
  currency: z.string().min(3),
  status: z.enum([
    'requires_payment_method',
    'requires_confirmation',
    'requires_action',
    'processing',
    'requires_capture',
    'canceled',
    'succeeded',
  ]),
  created: z.number().int(),
  metadata,
  last_payment_error: z.looseObject({}).nullish(),
});
export type PaymentIntentData = z.infer<typeof paymentIntentSchema>;

export const refundSchema = z.object({
  id: z.string().min(1),
  amount: z.number().int().nonnegative(),
  currency: z.string().min(3),
  /** Documented values: pending, requires_action, succeeded, failed, canceled (nullable in the API reference). */
  status: z.string().nullish(),
  created: z.number().int(),
  payment_intent: expandable.nullish(),
  charge: expandable.nullish(),
  metadata,
});
export type RefundData = z.infer<typeof refundSchema>;

export const disputeSchema = z.object({
  id: z.string().min(1),
  amount: z.number().int().nonnegative(),
  currency: z.string().min(3),
  /** warning_needs_response, warning_under_review, warning_closed, needs_response, under_review, won, lost … */
  status: z.string().min(1),
  created: z.number().int(),
  payment_intent: expandable.nullish(),
  charge: expandable.nullish(),
  metadata,
});
export type DisputeData = z.infer<typeof disputeSchema>;

export const eventSchema = z.object({
  id: z.string().min(1),
  object: z.literal('event'),
  type: z.string().min(1),
  created: z.number().int(),
  /** Present on Connect events: the connected account the event happened on. */
  account: z.string().nullish(),
  data: z.object({ object: z.looseObject({}) }),
});
export type EventData = z.infer<typeof eventSchema>;

export const listSchema = z.object({ data: z.array(z.unknown()), has_more: z.boolean() });

export interface SchemaProblem {
  paths: string[];
  detail: string;
}

function formatPath(path: readonly PropertyKey[], prefix: string): string {
  let out = prefix;
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  }
  return out || '(root)';
}

/** Parses `value`, or describes every field that does not match (paths relative to `prefix`). */
export function check<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix = '',
): { ok: true; value: z.infer<S> } | { ok: false; problem: SchemaProblem } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const paths = result.error.issues.map((issue) => formatPath(issue.path, prefix));
  const detail = result.error.issues.map((issue, i) => `${paths[i]}: ${issue.message}`).join('; ');
  return { ok: false, problem: { paths, detail } };
}
