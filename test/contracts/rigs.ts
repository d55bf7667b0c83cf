/**
 * What a contract suite needs from an implementation and its peer. A suite talks to the connector only through
 * its port; the rig is how it arranges the world around it (records at the peer, faults at the proxy).
 */
import type {
  Mailer,
  PaymentProcessor,
  PracticeAuthorization,
  PracticeManagement,
  WebhookHeaders,
} from '../../connectors/ports';
import type { FaultProxy, ProxiedRequest } from './faultProxy';

export interface Delivery {
  rawBody: Buffer;
  headers: WebhookHeaders;
}

/** How the peer answers an error (its error body), so a fault looks like the vendor's own. */
export interface VendorFaults {
  proxy: FaultProxy;
  /** The requests one port call sends to the vendor's API (what faults are injected into). */
  isApiCall(request: ProxiedRequest): boolean;
  errorBody(status: number): unknown;
}

export interface PracticeRig extends VendorFaults {
  practice: PracticeManagement;
  /** Creates matters at the peer; more than one page of `listMatters` at the page size given. */
  createMatters(count: number): Promise<string[]>;
  notesOn(matterId: string): Promise<number>;
  /** Where the connector's subscriptions deliver (a receiver that answers handshakes through the port). */
  ingressBaseUrl: string;
  /** Waits until the peer has sent every webhook it meant to. */
  webhooksSettled(): Promise<void>;
  /** The deliveries the peer sent to the receiver, in order. */
  deliveries(): Delivery[];
  /** The same delivery with its body changed by someone without the secret. */
  forge(delivery: Delivery): Delivery;
  /** Where the practice system connects with OAuth: its sign-in flow, and an admin approving it at the peer. */
  authorization?: {
    port: PracticeAuthorization;
    /** Opens the authorize address as the admin's browser would, approves, and returns what the callback gets. */
    approve(authorizeUrl: string): Promise<{ code: string; state: string | null }>;
  };
  stop(): Promise<void>;
}

export interface ProcessorRig extends VendorFaults {
  processor: PaymentProcessor;
  /** Makes money movements the processor lists since `since`, more than one page of them. */
  seedTransactions(): Promise<{ since: string; transactionIds: string[] }>;
  /** A transaction the processor has. */
  knownTransactionId(): Promise<string>;
  genuineWebhook(): Promise<Delivery>;
  forgedWebhook(): Promise<Delivery>;
  stop(): Promise<void>;
}

export interface ReceivedMail {
  messageId: string;
  to: string;
  subject: string;
}

export interface MailerRig {
  mailer: Mailer;
  received(): Promise<ReceivedMail[]>;
  /** Only where a server is on the other end: make it answer the next message with this SMTP reply code. */
  replyWith?(code: number): void;
  /** Only where a server is on the other end: take it away. */
  takeServerDown?(): Promise<void>;
  stop(): Promise<void>;
}

export interface Peer<Rig> {
  /** The implementation and its peer, as the suite names them. */
  name: string;
  /** A mailer with a server on the other end (which can refuse, or be gone); an outbox has none. */
  remote?: boolean;
  /** A practice system an admin connects with OAuth (its rig has `authorization`). */
  connectsWithOAuth?: boolean;
  start(): Promise<Rig>;
}
