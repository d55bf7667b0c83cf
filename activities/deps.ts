import type { Mailer, PaymentProcessor, PracticeManagement, SubscriptionUpkeep } from '../connectors/ports';
import type { Client } from '@temporalio/client';
import type { Db } from '../store/db';
import type { Logger } from '../worker/logger';
import type { MailLoginHold } from './mailLoginHold';

/** What one firm's activities talk to: its practice system, its processor, its mail, and its house rules. */
export interface FirmServices {
  firmId: string;
  practice: PracticeManagement;
  processor: PaymentProcessor;
  mailer: Mailer;
  timeZone: string;
  publicBaseUrl: string;
  staffEmail: string | null;
  /** The firm's one currency (ISO 4217, e.g. USD): a payment in another is parked, never applied. Default USD. */
  currency?: string;
  payLinkTtlMs: number;
  /** `PAYMENT_TERMS` in days (0 = due on receipt); absent = 30. */
  paymentTermsDays?: number;
  /** What the client reads besides the invoice: the firm's name, its default email message, the page's disclaimer. */
  clientFacing?: ClientFacing;
  /**
   * Keeps the practice system's webhooks alive at this deployment's ingress (the port's upkeep, with the public
   * URL filled in). Absent where nothing is to be kept (a test's firm).
   */
  maintainWebhooks?: () => Promise<SubscriptionUpkeep[]>;
}

export interface ClientFacing {
  firmName: string;
  emailMessage: string | null;
  disclaimer: string | null;
}

export const DEFAULT_PAYMENT_TERMS_DAYS = 30;

/** The firm's client-facing words, with its id standing in for a name it has not configured. */
export function clientFacingOf(firm: Pick<FirmServices, 'firmId' | 'clientFacing'>): ClientFacing {
  return firm.clientFacing ?? { firmName: firm.firmId, emailMessage: null, disclaimer: null };
}

/** Everything activities may touch, injected so tests can hand in real peers (sandboxes, PostgreSQL). */
export interface ActivityDeps {
  db: Db;
  /** Business events a firm's admin reads in the worker's log (invoice issued, payment parked…). */
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** For the few activities that must reach other workflows (waking parked payments); absent in unit tests. */
  temporal?: { client: Client; taskQueue: string };
  /**
   * Wakes (or starts) the firm's write-back drain after something was queued. Absent where no drain runs (unit
   * tests); the drain also looks on a slow timer of its own.
   */
  wakeWritebacks?: (firmId: string) => Promise<void>;
  /**
   * Holds every firm's mail login after its server refused it (activities/mailLoginHold.ts); one per worker process,
   * made by createActivities when absent. Tests hand in a short one.
   */
  mailLoginHold?: MailLoginHold;
  /** Throws UnknownFirmError for a firm this deployment does not serve: nothing from one firm reaches another. */
  firm(firmId: string): FirmServices;
}

export class UnknownFirmError extends Error {
  constructor(firmId: string) {
    super(`firm ${firmId} is not configured on this deployment`);
    this.name = 'UnknownFirmError';
  }
}
