/**
 * The domain-facing interfaces every connector implements (docs/architecture.md §5). Workflows and activities see only these
 * shapes: integer cents, ISO-8601 UTC timestamps, our own identifiers as strings. A vendor's shape never leaks past
 * its connector.
 */

import type { BillingMethod, MatterStatus } from '../domain/matter';

export type { BillingMethod, MatterStatus };

export interface ClientContact {
  id: string;
  name: string;
  /** The client's primary email, or null when the practice system has none. */
  email: string | null;
}

export interface Matter {
  id: string;
  displayNumber: string;
  description: string;
  status: MatterStatus;
  billingMethod: BillingMethod;
  client: ClientContact;
  trustBalanceCents: number;
  /** Flat-fee matters: the amount billed on each billing date. */
  flatFeeCents: number | null;
  /** Day of the month (1-28) on which the matter is billed, if the firm set one. */
  billingDay: number | null;
  clientReference: string | null;
  updatedAt: string;
}

export interface MatterSummary {
  id: string;
  displayNumber: string;
  status: MatterStatus;
  clientReference: string | null;
  billingMethod: BillingMethod;
  billingDay: number | null;
}

/** A time entry that counts for billing (docs/domain.md §4.1); how a connector decides "approved" is its own business. */
export interface ApprovedEntry {
  id: string;
  matterId: string;
  date: string;
  seconds: number;
  rateCents: number;
  totalCents: number;
  note: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Null on the last page. */
  nextCursor: string | null;
}

export interface MatterNote {
  subject: string;
  detail: string;
  /** Date the note is about, YYYY-MM-DD in the firm's zone. */
  date: string;
}

/** One line of the practice system's trust ledger: money into or out of the trust account for one matter. */
export interface TrustLedgerEntry {
  id: string;
  /** Null for a line on the trust account that belongs to no client matter (bank fees, firm money). */
  matterId: string | null;
  matterDisplayNumber: string | null;
  /** The ledger's date (YYYY-MM-DD, the firm's calendar): ledgers have dates, not times. */
  date: string;
  depositCents: number;
  withdrawalCents: number;
  description: string;
  /** When the line was entered (ISO-8601), where the practice system says. */
  enteredAt: string | null;
}

/**
 * What a practice system's webhook delivery means for billing. A delivery is only a hint (late, or replayed after
 * the matter changed again): the connector re-reads the record and reports what the practice system says now.
 */
export type PracticeEvent =
  | { kind: 'entryApproved'; matterId: string; entryId: string }
  /** A matter the practice system announced as new (or re-opened), closed, or otherwise changed: as it is now. */
  | { kind: 'matterOpened' | 'matterClosed' | 'matterChanged'; matter: MatterSummary };

export type PracticeWebhookOutcome = { kind: 'events'; events: PracticeEvent[] } | { kind: 'ignored'; reason: string };

/** One webhook subscription a connector registered at its practice system, with the secret its deliveries carry. */
export interface WebhookSubscription {
  /** The practice system's id for the subscription; deliveries name it. */
  subscriptionId: string;
  /** What the subscription is about, in the connector's own words (one subscription per firm and topic). */
  topic: string;
  secret: string;
  status: string;
  expiresAt: string;
}

/** Where one firm's subscriptions are kept (secrets sealed at rest); the worker supplies it, the connector uses it. */
export interface WebhookSubscriptionStore {
  byId(subscriptionId: string): Promise<WebhookSubscription | null>;
  byTopic(topic: string): Promise<WebhookSubscription | null>;
  /** Replaces the firm's subscription for the same topic. */
  save(subscription: WebhookSubscription): Promise<void>;
  updateState(topic: string, status: string, expiresAt: string): Promise<void>;
}

export type SubscriptionAction = 'unchanged' | 'created' | 'renewed' | 're-activated' | 're-activated, renewed';

export interface SubscriptionUpkeep {
  topic: string;
  action: SubscriptionAction;
}

export interface PracticeManagement {
  /** The connector's name; its webhooks arrive at `/webhooks/{name}` of the ingress. */
  readonly name: string;
  getMatter(matterId: string): Promise<Matter>;
  listMatters(
    cursor: string | null,
    options?: { updatedSince?: string; pageSize?: number },
  ): Promise<Page<MatterSummary>>;
  /** The same pages, each matter with every field `getMatter` returns: one call reads what 200 `getMatter` would. */
  listMatterDetails(cursor: string | null, options?: { pageSize?: number }): Promise<Page<Matter>>;
  listApprovedEntries(matterId: string): Promise<ApprovedEntry[]>;
  getTrustBalance(matterId: string): Promise<number>;
  /**
   * The trust ledger: every line of the firm's trust accounts, or one matter's. The one source for trust
   * confirmations and the three-way report: a balance that happens to match proves nothing.
   */
  listTrustLedger(options?: { matterId?: string }): Promise<TrustLedgerEntry[]>;
  /**
   * Adds a note once per idempotency key: a retry after a lost response finds the earlier note instead of
   * writing a second one.
   */
  addMatterNote(
    matterId: string,
    note: MatterNote,
    idempotencyKey: string,
    options?: {
      /** Look for the note first: set on a retry, when an earlier attempt may have written it. */
      checkFirst?: boolean;
      /** Keys of the other facts this one note carries (a coalesced moment): marked too, so each stays findable. */
      alsoKeys?: string[];
    },
  ): Promise<{ noteId: string; created: boolean }>;
  setMatterReference(matterId: string, reference: string): Promise<void>;
  flagForReview(matterId: string, flagged: boolean): Promise<void>;
  /**
   * A subscription handshake, answered without trusting anything (a confirmation echo): the headers and body to
   * reply with, or null when the request is no handshake.
   */
  answerHandshake(headers: WebhookHeaders): { headers: Record<string, string>; body: unknown } | null;
  /**
   * The subscription a delivery claims to come from, read without trusting the body, so the ingress can find the
   * firm whose connector then verifies it. Throws WebhookPayloadError when the body claims none.
   */
  claimedSubscriptionId(rawBody: Buffer): string;
  /**
   * Verifies a delivery against the secret of the subscription it names (WebhookVerificationError when it does not
   * match, or names a subscription this firm does not have) and translates it into business events.
   */
  parseWebhook(rawBody: Buffer, headers: WebhookHeaders): Promise<PracticeWebhookOutcome>;
  /**
   * Keeps this firm's subscriptions alive, delivering to `ingressBaseUrl`: creates what is missing, re-activates
   * what is pending or suspended, renews what expires soon, retires what points elsewhere. Safe to run any time.
   */
  maintainWebhookSubscriptions(ingressBaseUrl: string): Promise<SubscriptionUpkeep[]>;
}

export type WebhookHeaders = Record<string, string | string[] | undefined>;

/** A practice-system connection's OAuth tokens, as matterpay keeps them (sealed) between processes. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

/** Where a firm's tokens live between processes; the worker supplies it, the connector refreshes through it. */
export interface OAuthTokenStore {
  load(): Promise<OAuthTokens | null>;
  save(tokens: OAuthTokens): Promise<void>;
}

/** The firm's developer app at its practice system, and where that system is (a token works in its region only). */
export interface OAuthAppCredentials {
  clientId: string;
  clientSecret: string;
  baseUrl: string;
}

/** Who approved a grant: the practice-system user its access token belongs to. */
export interface ConnectedAccount {
  userId: string;
  name: string;
}

/**
 * How an admin connects matterpay to the firm's practice system: the OAuth authorization-code grant
 * (docs/vendors.md). The worker keeps the single-use links and the tokens; the connector speaks the vendor's flow.
 */
export interface PracticeAuthorization {
  /** Where the practice system is: the connection is stored under it. */
  readonly baseUrl: string;
  /** Step 1: where to send the admin's browser, carrying `state` back to `redirectUri`. */
  authorizeUrl(redirectUri: string, state: string): string;
  /** Step 3: the callback's code traded for tokens (VendorRejectedError when the code is refused). */
  exchangeCode(code: string, redirectUri: string): Promise<OAuthTokens>;
  /** The user a token fresh from the exchange belongs to, before anything is stored. */
  connectedAccount(accessToken: string): Promise<ConnectedAccount>;
}

import type { ProcessorName } from '../shared/processors';

export type { ProcessorName };
/** `unknown`: an account the processor does not list for this firm; its money is never taken as income. */
export type AccountKind = 'operating' | 'trust' | 'unknown';

export interface CheckoutRequest {
  invoiceNumber: string;
  /** The balance due at this moment: what the client will be asked to pay. */
  amountCents: number;
  /** The firm's one currency (ISO 4217, e.g. USD), which its books and the reconciliation expect. */
  currency: string;
  /** Canonical reference carried by the resulting transaction (the invoice number). */
  reference: string;
  /** Same key for the same invoice and balance, so a retried request never opens a second checkout. */
  idempotencyKey: string;
  clientEmail: string | null;
  returnUrl: string;
}

export interface Checkout {
  url: string;
  /** When the processor's checkout stops accepting payment, if it expires (ISO-8601). */
  expiresAt: string | null;
  processorCheckoutId: string | null;
}

/**
 * `charge`: money from the client; `refund`: money returned from a charge; `payout`: money the firm paid out that is
 * no refund of a charge (a LawPay CREDIT); `dispute`: a cardholder's dispute of a charge (Stripe), whose funds are
 * withdrawn while it is open or lost.
 */
export type PaymentKind = 'charge' | 'refund' | 'payout' | 'dispute';
/** `open`, `won`, `lost` are a dispute's; the others a charge's, refund's or payout's. */
export type PaymentStatus = 'completed' | 'pending' | 'failed' | 'voided' | 'open' | 'won' | 'lost';

export interface Payment {
  processor: ProcessorName;
  /** The processor's own id for this money movement; the exactly-once key. */
  transactionId: string;
  kind: PaymentKind;
  status: PaymentStatus;
  amountCents: number;
  currency: string;
  reference: string | null;
  accountKind: AccountKind;
  occurredAt: string;
  /** For a refund or a dispute: the charge it takes money back from. */
  chargeTransactionId: string | null;
  /** Stripe Connect: the connected account the event came from. */
  account: string | null;
}

export type WebhookOutcome =
  | {
      kind: 'payment';
      eventId: string;
      payment: Payment;
      /**
       * True when `payment` is the processor's current state, read from its API while this delivery was verified (an
       * unsigned hint that was re-fetched), not a copy the event carried: the reconciliation need not read it again
       * before its first decision.
       */
      readJustNow?: boolean;
    }
  | { kind: 'ignored'; eventId: string; reason: string };

export interface ListOptions {
  createdOnly?: boolean;
}

export interface PaymentProcessor {
  readonly name: ProcessorName;
  checkoutForLink(request: CheckoutRequest): Promise<Checkout>;
  /**
   * Closes a checkout opened earlier, so it can no longer take money (the balance changed, the invoice was paid or
   * voided). Absent where a checkout holds no state at the processor (a hosted page with the amount in its URL).
   */
  expireCheckout?(processorCheckoutId: string): Promise<void>;
  getTransaction(transactionId: string): Promise<Payment | null>;
  /**
   * The transactions created or changed since `sinceIso`, as they are now, page by page (the cursor is the
   * processor's own). `createdOnly`: a period's own transactions, not older ones that changed in it.
   */
  listTransactionsSince(sinceIso: string, cursor: string | null, options?: ListOptions): Promise<Page<Payment>>;
  /**
   * Verifies (signature, or a re-fetch where the vendor signs nothing) and translates one webhook. A payment's
   * `eventId` is what deliveries are de-duplicated by; an `ignored` outcome's id is the sender's and is never recorded.
   */
  parseWebhook(rawBody: Buffer, headers: WebhookHeaders): Promise<WebhookOutcome>;
  /**
   * For unsigned webhooks: the de-duplication key the body claims, read without any API call, so a replayed hint
   * for work already done costs nothing. Null when the body claims nothing usable.
   */
  claimedEventId?(rawBody: Buffer): string | null;
}

export interface MailAttachment {
  /** The name the recipient sees, such as `invoice-00001-Smith-1.pdf`. */
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Files sent with the message (an invoice or receipt PDF); built in memory, never read from disk or a URL. */
  attachments?: MailAttachment[];
  /** Stable per logical message: a resend after a crash reuses it as the Message-ID. */
  idempotencyKey: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
}
