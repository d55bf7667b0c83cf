import { backfillActivities } from './backfill';
import { billingActivities } from './billing';
import { billingRunActivities } from './billingRun';
import type { ActivityDeps } from './deps';
import { invoiceActivities } from './invoices';
import { noteActivities } from './notes';
import { receiptActivities } from './receipts';
import { reconciliationActivities } from './reconciliation';
import { trustActivities } from './trust';
import { wakeParkedActivities } from './wakeParked';
import { webhookActivities } from './webhooks';

export type { ActivityDeps, FirmServices } from './deps';

/** Every activity the worker registers, built over injected dependencies (no module-level state). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...noteActivities(deps),
    ...billingActivities(deps),
    ...billingRunActivities(deps),
    ...trustActivities(deps),
    ...invoiceActivities(deps),
    ...reconciliationActivities(deps),
    ...receiptActivities(deps),
    ...wakeParkedActivities(deps),
    ...webhookActivities(deps),
    ...backfillActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
