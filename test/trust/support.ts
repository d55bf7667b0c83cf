import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { invoiceStatusQuery } from '../../shared/messages';
import { workflowIds } from '../../shared/workflowIds';
import { invoice } from '../../workflows';
import { FIRM, type BillingHarness, type SandboxMatter } from '../support/billing';

/** Trust test helpers over the billing harness: invoices drafted as matterBilling drafts them, the bookkeeper's ledger. */
export function trustHelpers(env: () => TestWorkflowEnvironment, h: () => BillingHarness) {
  let period = 0;

  /** Drafts an invoice of `amountCents` on the matter and starts its workflow (its own period, so drafts never merge). */
  async function startInvoice(matter: SandboxMatter, amountCents: number, taskQueue = h().taskQueue) {
    period += 1;
    const entry = await h().addEntry(matter.id, amountCents / 20_000, 20_000);
    const draft = await h().activities.draftInvoice({
      firmId: FIRM,
      matterId: String(matter.id),
      matterDisplayNumber: matter.display_number,
      kind: 'manual',
      period: '2026-11',
      lines: [{ lineKey: `entry:${entry}`, description: 'time', amountCents }],
    });
    if (!draft.invoiceNumber) throw new Error('nothing drafted');
    const handle = await env().client.workflow.start(invoice, {
      taskQueue,
      workflowId: workflowIds.invoice(FIRM, draft.invoiceNumber),
      args: [{ firmId: FIRM, invoiceNumber: draft.invoiceNumber, policy: h().policy() }],
    });
    return { handle, number: draft.invoiceNumber };
  }

  /** Waits (on the workflow's clock) until the invoice has left draft: its trust draw is decided by then. */
  async function issued(started: Awaited<ReturnType<typeof startInvoice>>) {
    for (let i = 0; i < 100; i++) {
      const status = await started.handle.query(invoiceStatusQuery);
      if (status.status !== 'draft' && status.status !== 'awaiting_approval') return status;
      await env().sleep('1 minute');
    }
    throw new Error(`invoice ${started.number} never left draft`);
  }

  const bookkeeper = {
    postDraw: (matter: SandboxMatter, amountCents: number, description?: string) =>
      h().control('POST', `/__sandbox/trust/${matter.id}/apply`, {
        amount_cents: amountCents,
        ...(description ? { description } : {}),
      }),
    withdraw: (matter: SandboxMatter, amountCents: number, description: string) =>
      h().control('POST', `/__sandbox/trust/${matter.id}/withdraw`, { amount_cents: amountCents, description }),
    deposit: (matter: SandboxMatter, amountCents: number, description: string) =>
      h().control('POST', `/__sandbox/trust/${matter.id}/deposit`, { amount_cents: amountCents, description }),
  };

  async function drawRows(matter: SandboxMatter) {
    const { rows } = await h().database.db.query(
      'SELECT id, invoice_number, amount_cents, state, ledger_entry_id, confirmed_by FROM trust_draws WHERE firm_id = $1 AND matter_id = $2 ORDER BY id',
      [FIRM, String(matter.id)],
    );
    return rows as Array<{
      id: number;
      invoice_number: string;
      amount_cents: number;
      state: string;
      ledger_entry_id: string | null;
      confirmed_by: string | null;
    }>;
  }

  return { startInvoice, issued, bookkeeper, drawRows };
}
