import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { localDate } from '../../domain/dates';
import { billingRun } from '../../workflows';
import { BillingHarness, FIRM, useBillingHarness, type SandboxMatter } from '../support/billing';
import { devServerEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';

/**
 * Issue 14, item 2: one invoice cycle (read the matter, its time and its trust; draft, draw trust, issue, deliver,
 * write back) costs at most 4 Clio calls, counted by the Clio-style sandbox itself over real HTTP, every call
 * included: the write-back queue's, the trust-ledger read, any re-read. A call count is not a timing.
 */
describe('Clio calls per invoice cycle', () => {
  let env: TestWorkflowEnvironment;
  let h: BillingHarness;
  useBillingHarness(devServerEnvironment, async (started, harness) => {
    env = started;
    h = harness;
  });

  /** Per route (`GET /api/v4/matters/:id`…), what the sandbox served since `before`. */
  function callsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
    const calls: Record<string, number> = {};
    for (const [route, n] of Object.entries(after)) {
      if (!route.includes('/api/v4')) continue;
      const delta = n - (before[route] ?? 0);
      if (delta > 0) calls[route] = delta;
    }
    return calls;
  }

  async function requestCounts(): Promise<Record<string, number>> {
    return (await h.control<{ request_counts: Record<string, number> }>('GET', '/__sandbox/state')).request_counts;
  }

  async function settled(matters: SandboxMatter[]): Promise<void> {
    await waitFor(
      async () => {
        const rows = (await h.invoiceRows()).filter((r) => matters.some((m) => String(m.id) === r.matter_id));
        const { rows: pending } = await h.database.db.query(
          `SELECT count(*)::int AS n FROM practice_writebacks WHERE firm_id = $1 AND state = 'pending'`,
          [FIRM],
        );
        return rows.length === matters.length && rows.every((r) => r.delivery === 'sent') && pending[0].n === 0;
      },
      { what: 'every invoice issued, emailed and written back', timeoutMs: 60_000, everyMs: 200 },
    );
  }

  it('a month-end run bills each matter with at most 4 Clio calls per invoice, and each note still carries every fact', async () => {
    const billingDay = Number(localDate(Date.now(), 'America/New_York').slice(8, 10));
    if (billingDay > 28) return; // the sandbox takes billing days 1–28
    // No approved-time webhooks: the run alone bills, as at month-end.
    await h.control('POST', '/__sandbox/faults', { webhook_drop_rate: 1 });
    const withTrust = await h.createMatter({ billing_day: billingDay, trust_balance_cents: 40_000 });
    const plain = [
      await h.createMatter({ billing_day: billingDay }),
      await h.createMatter({ billing_day: billingDay }),
    ];
    const matters = [withTrust, ...plain];
    for (const m of matters) await h.addEntry(m.id, 3, 25_000); // $750 each

    const before = await requestCounts();
    await env.client.workflow.execute(billingRun, {
      taskQueue: h.taskQueue,
      workflowId: `billing-run-calls-${Date.now()}`,
      args: [{ firmId: FIRM, policy: h.policy() }],
    });
    await settled(matters);
    const state = await h.clioState();
    const calls = callsSince(before, await requestCounts());
    const total = Object.values(calls).reduce((sum, n) => sum + n, 0);

    // The routes come with the figure, so a failure says where the calls went.
    expect({ callsPerInvoice: total / matters.length, byRoute: calls }).toEqual({
      callsPerInvoice: total / matters.length <= 4 ? total / matters.length : '≤ 4',
      byRoute: calls,
    });

    // What a bookkeeper reads on the matter: the invoice, its amount, the trust draw and the email, each once.
    const notesOf = (m: SandboxMatter) => state.notes.filter((n) => n.matter_id === m.id);
    const text = (m: SandboxMatter) =>
      notesOf(m)
        .map((n) => `${n.subject}\n${n.detail ?? ''}`)
        .join('\n');
    const number = (m: SandboxMatter) => `${m.display_number}-1`;
    expect(text(withTrust)).toContain(`Invoice ${number(withTrust)} drafted for $750.00.`);
    expect(text(withTrust)).toContain(`$400.00 of trust funds applied to invoice ${number(withTrust)}.`);
    expect(text(withTrust)).toContain(`to the client for $350.00 due on invoice ${number(withTrust)}.`);
    for (const m of plain) {
      expect(text(m)).toContain(`Invoice ${number(m)} drafted for $750.00.`);
      expect(text(m)).toContain(`to the client for $750.00 due on invoice ${number(m)}.`);
    }
    for (const m of matters) expect(notesOf(m)).toHaveLength(1);
    expect(state.matters.filter((m) => matters.some((s) => s.id === m.id)).map((m) => m.client_reference)).toEqual(
      matters.map(number),
    );
  });
});
