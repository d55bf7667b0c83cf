import { backfillActivities } from './backfill';
import { billingActivities } from './billing';
import { billingRunActivities } from './billingRun';
import type { ActivityDeps } from './deps';
import { invoiceActivities } from './invoices';
import { noteActivities } from './notes';
import { receiptActivities } from './receipts';
import { reconciliationActivities } from './reconciliation';
import { trustActivities } from './trust';
import { trustReportActivities } from './trustReport';
import { trustStatementActivities } from './trustStatements';
import { invoiceWakeupActivities } from './invoiceWakeups';
import { wakeParkedActivities } from './wakeParked';
import { webhookActivities } from './webhooks';
import { creditActivities } from './credits';
import { checkoutActivities } from './checkouts';
import { paymentFollowUpActivities } from './paymentFollowUps';
import { MailLoginHold } from './mailLoginHold';
import { recordedMailer } from './messages';
import type { FirmServices } from './deps';

export type { ActivityDeps, FirmServices } from './deps';
export { withWritebackDrainer, WritebackDrainer } from './writebackDrainer';

/**
 * Every activity the worker registers, built over injected dependencies (no module-level state). Each firm's mailer
 * is wrapped here, once, in the exactly-once message record: no activity can send around it.
 */
export function createActivities(given: ActivityDeps) {
  const wrapped = new WeakMap<FirmServices, FirmServices>();
  const loginHold = given.mailLoginHold ?? new MailLoginHold();
  const deps: ActivityDeps = {
    ...given,
    firm(firmId) {
      const services = given.firm(firmId);
      let firm = wrapped.get(services);
      if (!firm) {
        firm = { ...services, mailer: recordedMailer(given.db, firmId, services.mailer, loginHold) };
        wrapped.set(services, firm);
      }
      return firm;
    },
  };
  return {
    ...creditActivities(deps),
    ...checkoutActivities(deps),
    ...noteActivities(deps),
    ...billingActivities(deps),
    ...billingRunActivities(deps),
    ...trustActivities(deps),
    ...trustReportActivities(deps),
    ...trustStatementActivities(deps),
    ...invoiceActivities(deps),
    ...reconciliationActivities(deps),
    ...receiptActivities(deps),
    ...wakeParkedActivities(deps),
    ...invoiceWakeupActivities(deps),
    ...paymentFollowUpActivities(deps),
    ...webhookActivities(deps),
    ...backfillActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
