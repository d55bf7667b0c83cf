// Every workflow type the worker runs. Deterministic code only: see eslint.config.mjs.
export { matterBilling } from './matterBilling';
export { invoice } from './invoice';
export { paymentReconciliation } from './paymentReconciliation';
export { reconciliationSweep } from './reconciliationSweep';
export { backfillMatterLinks } from './backfillMatterLinks';
export { maintainPracticeWebhooks } from './maintainPracticeWebhooks';
export { billingRun } from './billingRun';
export { trustReportData, trustStatements } from './trust';
