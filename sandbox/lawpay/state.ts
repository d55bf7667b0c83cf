/** The in-memory records of one LawPay sandbox. Transactions are kept in their API shape. */

/** CREDIT: money paid out from the merchant account that is no refund of a charge (docs/vendors.md §2.4, `POST /v1/credits`). */
export type TransactionType = 'CHARGE' | 'REFUND' | 'CREDIT';
export type TransactionStatus = 'COMPLETED' | 'VOIDED' | 'AUTHORIZED' | 'FAILED';

export interface CardMethod {
  type: 'card';
  number: string;
  fingerprint: string;
  card_type: string;
  exp_month: number;
  exp_year: number;
  name: string | null;
}

export interface RefundSummary {
  id: string;
  amount: number;
  created: string;
  status: TransactionStatus;
  reference: string | null;
}

export interface Transaction {
  id: string;
  created: string;
  modified: string;
  type: TransactionType;
  status: TransactionStatus;
  account_id: string;
  amount: number;
  currency: string;
  reference: string | null;
  amount_refunded: number;
  refunds: RefundSummary[];
  charge_id?: string;
  auto_capture: boolean;
  authorization_code: string | null;
  failure_code: string | null;
  void_reference: string | null;
  method: CardMethod;
  avs_result: string | null;
  cvv_result: string | null;
}

export type EventType = 'transaction.completed' | 'transaction.refunded' | 'transaction.voided' | 'transaction.failed';

export interface GatewayEvent {
  id: string;
  created: string;
  type: EventType;
  data: Transaction;
}

export interface WebhookSubscription {
  id: number;
  url: string;
  created: string;
}

export interface LawPayState {
  /** Insertion order = creation order. */
  transactions: Map<string, Transaction>;
  events: GatewayEvent[];
  webhooks: Map<number, WebhookSubscription>;
  nextWebhookId: number;
}

export function createLawPayState(): LawPayState {
  return { transactions: new Map(), events: [], webhooks: new Map(), nextWebhookId: 1 };
}
