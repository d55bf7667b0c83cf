import { z } from 'zod';

/**
 * Zod schemas for the Clio responses matterpay reads, limited to the fields it asks for with `fields=`.
 * Clio speaks decimal dollars; the connector turns them into integer cents at this edge.
 */
const id = z.union([z.number().int(), z.string().min(1)]).transform(String);
const dollars = z.number();

export const matterFields = [
  'id',
  'etag',
  'display_number',
  'description',
  'status',
  'billing_method',
  'client_reference',
  'updated_at',
  'client{id,name,primary_email_address}',
  'account_balances{id,balance,type}',
  'custom_field_values{id,field_name,value}',
].join(',');

export const matterSchema = z.object({
  id,
  display_number: z.string().min(1),
  description: z.string().nullable().default(''),
  status: z.enum(['Open', 'Pending', 'Closed']),
  billing_method: z.enum(['hourly', 'flat', 'contingency']),
  client_reference: z.string().nullable().optional(),
  updated_at: z.string(),
  client: z.object({ id, name: z.string(), primary_email_address: z.string().nullable().optional() }),
  account_balances: z.array(z.object({ id, balance: dollars, type: z.enum(['Trust', 'Operating']) })).default([]),
  custom_field_values: z
    .array(
      z.object({
        id,
        field_name: z.string(),
        value: z.union([z.string(), z.number(), z.boolean()]).nullable(),
      }),
    )
    .default([]),
});
export type ClioMatter = z.output<typeof matterSchema>;

export const matterSummaryFields =
  'id,display_number,status,client_reference,billing_method,custom_field_values{id,field_name,value}';
export const matterSummarySchema = matterSchema.pick({
  id: true,
  display_number: true,
  status: true,
  client_reference: true,
  billing_method: true,
  custom_field_values: true,
});

export const activityFields =
  'id,type,date,quantity,price,total,note,non_billable,no_charge,billed,on_bill,updated_at,matter{id}';
export const activitySchema = z.object({
  id,
  type: z.string(),
  date: z.string(),
  quantity: z.number().nullable(),
  price: dollars,
  total: dollars,
  note: z.string().nullable().default(''),
  non_billable: z.boolean(),
  no_charge: z.boolean().default(false),
  billed: z.boolean(),
  on_bill: z.boolean(),
  updated_at: z.string(),
  matter: z.object({ id }).nullable(),
});

export const bankAccountSchema = z.object({ id, type: z.enum(['Operating', 'Trust']) });
export const bankTransactionFields = 'id,date,funds_in,funds_out,description,created_at,matter{id,display_number}';
export const bankTransactionSchema = z.object({
  id,
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  funds_in: dollars.nullable().default(0),
  funds_out: dollars.nullable().default(0),
  description: z.string().nullable().default(''),
  created_at: z.string().nullable().optional(),
  matter: z.object({ id, display_number: z.string().nullable().optional() }).nullable().optional(),
});

export const noteSchema = z.object({ id, detail: z.string().nullable().optional() });
export const customFieldSchema = z.object({ id, name: z.string(), parent_type: z.string(), field_type: z.string() });

export const webhookSchema = z.object({
  id,
  url: z.string(),
  model: z.string(),
  status: z.enum(['pending', 'enabled', 'suspended']),
  shared_secret: z.string().optional(),
  expires_at: z.string(),
});

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive(),
  token_type: z.string(),
});

export const single = <T extends z.ZodTypeAny>(data: T) => z.object({ data });
export const list = <T extends z.ZodTypeAny>(item: T) =>
  z.object({
    data: z.array(item),
    meta: z.object({ paging: z.object({ next: z.string().optional() }).partial().optional() }).optional(),
  });

/** Webhook deliveries: minimal payloads (the fields we subscribed to), re-fetched before anything is decided. */
export const webhookDeliverySchema = z.object({
  data: z.object({ id }).passthrough(),
  meta: z.object({ event: z.string(), webhook_id: id }),
});
