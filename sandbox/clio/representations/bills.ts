import type { FieldSchema } from '../fields';
import type { BillRecord } from '../state';

export const BILL_FIELDS: FieldSchema = {
  id: null,
  etag: null,
  number: null,
  type: null,
  kind: null,
  state: null,
  available_state_transitions: null,
  issued_at: null,
  due_at: null,
  start_at: null,
  end_at: null,
  subject: null,
  memo: null,
  purchase_order: null,
  sub_total: null,
  total: null,
  due: null,
  balance: null,
  paid: null,
  paid_at: null,
  pending: null,
  credits_issued: null,
  last_sent_at: null,
  client: { id: null, name: null },
  matters: { id: null, display_number: null },
  balances: { id: null, amount: null, type: null, interest_amount: null, due: null },
  created_at: null,
  updated_at: null,
};

export function renderBill(bill: BillRecord): Record<string, unknown> {
  return { id: bill.id, etag: bill.etag, created_at: bill.created_at, updated_at: bill.updated_at };
}
