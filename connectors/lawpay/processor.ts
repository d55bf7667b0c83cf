import { WebhookVerificationError } from '../errors';
import { parseWebhookJson } from '../shared/validation';
import type {
  AccountKind,
  Checkout,
  CheckoutRequest,
  ListOptions,
  Page,
  Payment,
  PaymentProcessor,
  PaymentStatus,
  WebhookOutcome,
} from '../ports';
import type { LawPayHttp } from './http';
import {
  eventPageSchema,
  eventSchema,
  transactionEventSchema,
  merchantSchema,
  transactionPageSchema,
  transactionSchema,
  type LawPayTransaction,
} from './schemas';

const PAGE_SIZE = 200;

/**
 * PaymentProcessor over the LawPay / AffiniPay gateway. Pay links go to the firm's hosted payment page with the
 * amount and reference locked (docs/vendors.md §2.5), so opening one costs no API call. LawPay documents no webhook
 * signature (§2.6): a webhook is only a hint, and the transaction is re-fetched from the API before it is trusted.
 */
export class LawPayProcessor implements PaymentProcessor {
  readonly name = 'lawpay' as const;
  private accountKinds: Promise<Map<string, AccountKind>> | null = null;

  constructor(
    private readonly http: LawPayHttp,
    private readonly paymentPageUrl: string,
  ) {}

  async checkoutForLink(request: CheckoutRequest): Promise<Checkout> {
    const url = new URL(this.paymentPageUrl);
    url.searchParams.set('amount', String(request.amountCents));
    url.searchParams.set('reference', request.reference);
    url.searchParams.set('Invoice', request.invoiceNumber);
    url.searchParams.set('readOnlyFields', 'reference,amount');
    return { url: url.toString(), expiresAt: null, processorCheckoutId: null };
  }

  async getTransaction(transactionId: string): Promise<Payment | null> {
    const transaction = await this.http.request('GET', `/v1/transactions/${encodeURIComponent(transactionId)}`, {
      schema: transactionSchema,
      allowNotFound: true,
    });
    return transaction ? this.toPayment(transaction) : null;
  }

  /**
   * Every transaction created or changed since `since` (the sweep passes a window that overlaps the previous one), as
   * LawPay has it now. Two listings, one after the other: the transactions created since, then the events since for
   * the transactions created before (a charge voided hours after it was taken, an eCheck that completes or fails
   * days later), each of those read again, since an event carries the transaction as it was. Listing by creation
   * alone missed every such change whose one webhook was lost. Cursor: the transactions' next page (`2`), then the
   * events' (`events:1`).
   */
  async listTransactionsSince(
    sinceIso: string,
    cursor: string | null,
    options: ListOptions = {},
  ): Promise<Page<Payment>> {
    const events = /^events:(\d+)$/.exec(cursor ?? '');
    if (events) return this.changedSince(sinceIso, Number(events[1]));
    const page = Number(cursor ?? '1');
    const result = (await this.http.request('GET', '/v1/transactions', {
      query: { start_date: sinceIso, page, page_size: PAGE_SIZE, order_by: 'created' },
      schema: transactionPageSchema,
    }))!;
    const items = await Promise.all(result.results.map((t) => this.toPayment(t)));
    const more = result.page * result.page_size < result.total_entries;
    return { items, nextCursor: more ? String(page + 1) : options.createdOnly ? null : 'events:1' };
  }

  /**
   * One page of the events since `since`, newest first: the transactions created before it that they name, read as
   * they are now. Paging stops at the first event older than `since`, so an API that ignored `start_date` (LawPay
   * documents only paging, docs/vendors.md §2.6) costs the window's pages, not the account's history. An event that
   * is not about a transaction, or not in the shape expected, is skipped: it must not stop the sweep.
   */
  private async changedSince(sinceIso: string, page: number): Promise<Page<Payment>> {
    const result = (await this.http.request('GET', '/v1/events', {
      query: { start_date: sinceIso, page, page_size: PAGE_SIZE, order_by: '-created' },
      schema: eventPageSchema,
    }))!;
    const sinceMs = Date.parse(sinceIso);
    const older = new Set<string>();
    let pastWindow = false;
    for (const raw of result.results) {
      const event = transactionEventSchema.safeParse(raw);
      if (!event.success) continue;
      if (Date.parse(event.data.created) < sinceMs) {
        pastWindow = true;
        continue;
      }
      // Created inside the window: the transactions' listing has it, as it is now.
      if (!(Date.parse(event.data.data.created) >= sinceMs)) older.add(event.data.data.id);
    }
    const current = await Promise.all([...older].map((id) => this.getTransaction(id)));
    const more = !pastWindow && result.page * result.page_size < result.total_entries;
    return {
      items: current.filter((p): p is Payment => p !== null),
      nextCursor: more ? `events:${page + 1}` : null,
    };
  }

  /**
   * A LawPay event cannot be verified by itself (nothing is signed, and no API returns an event by id), so it is
   * only a hint: the transaction it names is fetched, and the outcome is keyed by (transaction, status) as LawPay
   * reports them now, never by the event id the sender chose.
   */
  async parseWebhook(rawBody: Buffer): Promise<WebhookOutcome> {
    const event = parseWebhookJson(rawBody, eventSchema);
    if (!event.type.startsWith('transaction.')) {
      return { kind: 'ignored', eventId: event.id, reason: `event type ${event.type} is not about a transaction` };
    }
    const payment = await this.getTransaction(event.data.id);
    if (!payment) throw new WebhookVerificationError(`transaction ${event.data.id} does not exist at LawPay`);
    return {
      kind: 'payment',
      eventId: transactionEventId(payment.transactionId, payment.status),
      payment,
      readJustNow: true,
    };
  }

  claimedEventId(rawBody: Buffer): string | null {
    try {
      const event = eventSchema.parse(JSON.parse(rawBody.toString('utf8')));
      const status = typeof event.data.status === 'string' ? statusOf(event.data.status) : null;
      return event.type.startsWith('transaction.') && status ? transactionEventId(event.data.id, status) : null;
    } catch {
      return null;
    }
  }

  private async toPayment(t: LawPayTransaction): Promise<Payment> {
    let kinds = await this.loadAccountKinds();
    if (!kinds.has(t.account_id)) {
      // An account added since the list was read: read it again once, and never guess "operating".
      this.accountKinds = null;
      kinds = await this.loadAccountKinds();
    }
    let reference = t.reference ?? null;
    if (t.type === 'REFUND' && t.charge_id) {
      // A refund's own reference is free text; the charge it returns money from carries ours.
      const charge = await this.http.request('GET', `/v1/transactions/${encodeURIComponent(t.charge_id)}`, {
        schema: transactionSchema,
        allowNotFound: true,
      });
      reference = charge?.reference ?? reference;
    }
    return {
      processor: 'lawpay',
      transactionId: t.id,
      kind: t.type === 'REFUND' ? 'refund' : t.type === 'CREDIT' ? 'payout' : 'charge',
      status: statusOf(t.status),
      amountCents: t.amount,
      currency: t.currency.toUpperCase(),
      reference,
      accountKind: kinds.get(t.account_id) ?? 'unknown',
      occurredAt: new Date(t.created).toISOString(),
      chargeTransactionId: t.type === 'REFUND' ? (t.charge_id ?? null) : null,
      account: t.account_id,
    };
  }

  private loadAccountKinds(): Promise<Map<string, AccountKind>> {
    this.accountKinds ??= this.http
      .request('GET', '/v1/merchant', { schema: merchantSchema })
      .then((merchant) => {
        const accounts = [...merchant!.merchant_accounts, ...merchant!.ach_accounts];
        return new Map(accounts.map((a) => [a.id, a.trust_account ? 'trust' : 'operating'] as const));
      })
      .catch((err: unknown) => {
        this.accountKinds = null;
        throw err;
      });
    return this.accountKinds;
  }
}

/** What LawPay deliveries are de-duplicated by: one transaction in one status is acted on once. */
export function transactionEventId(transactionId: string, status: PaymentStatus): string {
  return `transaction/${transactionId}/${status}`;
}

function statusOf(status: string): PaymentStatus {
  switch (status.toUpperCase()) {
    case 'COMPLETED':
      return 'completed';
    case 'VOIDED':
      return 'voided';
    case 'FAILED':
      return 'failed';
    default:
      return 'pending';
  }
}
