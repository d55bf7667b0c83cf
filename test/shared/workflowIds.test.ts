import { scheduleIds, updateIds, workflowIds } from '../../shared/workflowIds';

/**
 * Workflow IDs are business keys an admin types into the Web UI (README: `invoice/demo-firm/00001-Smith-1`), and a
 * changed format would start a second workflow for the same matter, invoice or payment. Every other test builds IDs
 * through shared/workflowIds.ts; this one pins what they are.
 */
describe('workflow IDs are readable business keys', () => {
  const at = new Date('2026-12-01T09:30:00.123Z');

  it('names the firm and the object: matter, invoice, payment, backfill', () => {
    expect(workflowIds.matterBilling('demo-firm', '1001')).toBe('matter/demo-firm/1001');
    expect(workflowIds.invoice('demo-firm', '00001-Smith-1')).toBe('invoice/demo-firm/00001-Smith-1');
    expect(workflowIds.paymentReconciliation('demo-firm', 'lawpay', 'txn_1')).toBe('payment/demo-firm/lawpay/txn_1');
    expect(workflowIds.backfillMatterLinks('demo-firm', '20261121T1130Z')).toBe('backfill/demo-firm/20261121T1130Z');
  });

  it('keeps the pre-2026-12 payment ID that running sweeps replay with', () => {
    expect(workflowIds.legacyPaymentReconciliation('lawpay', 'txn_1')).toBe('payment/lawpay/txn_1');
  });

  it('gives each run asked for by hand its own ID, sorted by the UTC time it was asked', () => {
    expect(workflowIds.manualSweep('demo-firm', at)).toBe('sweep/demo-firm/manual-20261201T093000123Z');
    expect(workflowIds.manualBillingRun('demo-firm', at)).toBe('billing-run/demo-firm/manual-20261201T093000123Z');
    expect(workflowIds.trustReport('demo-firm', '2026-11', at)).toBe(
      'trust-report/demo-firm/2026-11/20261201T093000123Z',
    );
    expect(workflowIds.trustStatements('demo-firm', '2026-11', at)).toBe(
      'trust-statements/demo-firm/2026-11/20261201T093000123Z',
    );
  });

  it('names schedules by firm, and an approval by its invoice so a retried approval is the same update', () => {
    expect(scheduleIds.reconciliationSweep('demo-firm')).toBe('sweep/demo-firm');
    expect(scheduleIds.billingRun('demo-firm')).toBe('billing-run/demo-firm');
    expect(scheduleIds.practiceWebhooks('demo-firm')).toBe('practice-webhooks/demo-firm');
    expect(updateIds.approveInvoice('00001-Smith-1')).toBe('approve/00001-Smith-1');
  });
});
