import type pg from 'pg';
import type { Random } from './random';
import { controlCall } from './vendorState';

/**
 * The business mix of a chaos run: matters with approved time become invoices through the real pipeline (Clio
 * webhook → matterBilling → invoice), then each invoice meets one scenario a firm sees. Every processor transaction
 * the harness causes is counted as a payment.
 */
export type Scenario =
  | 'full'
  | 'partial'
  | 'refund'
  | 'voided-charge'
  | 'failed-then-paid'
  | 'overpaid'
  | 'unknown-reference'
  | 'trust'
  | 'closed-mid-reminders'
  | 'admin-void'
  | 'unpaid';

/** Transactions each scenario makes at the processor (the harness's "payments"). */
export const PAYMENTS_PER_SCENARIO: Record<Scenario, number> = {
  full: 1,
  partial: 3,
  refund: 2,
  'voided-charge': 2,
  'failed-then-paid': 2,
  overpaid: 1,
  'unknown-reference': 1,
  trust: 0,
  'closed-mid-reminders': 0,
  'admin-void': 0,
  unpaid: 0,
};

/**
 * How often each scenario comes up. Most invoices see two or three transactions (installments, refunds, a void or a
 * decline before the payment), as the payments are what the harness is about: 300 payments take about 180 invoices.
 */
const WEIGHTS: Array<[Scenario, number]> = [
  ['full', 12],
  ['partial', 22],
  ['refund', 14],
  ['voided-charge', 10],
  ['failed-then-paid', 14],
  ['overpaid', 5],
  ['unknown-reference', 5],
  ['trust', 6],
  ['closed-mid-reminders', 4],
  ['admin-void', 4],
  ['unpaid', 4],
];

export const INVOICE_HOURS = 3;
export const INVOICE_RATE_CENTS = 20_000;
export const INVOICE_TOTAL_CENTS = INVOICE_HOURS * INVOICE_RATE_CENTS;

export interface PlannedMatter {
  index: number;
  scenario: Scenario;
  matterId: string;
  displayNumber: string;
  trustCents: number;
  invoiceNumber: string | null;
  transactions: string[];
  closedAt: number | null;
  legacyReference: string | null;
}

/** Scenarios for about `payments` processor transactions (every kind at least once). */
export function planScenarios(payments: number, random: Random): Scenario[] {
  const scenarios: Scenario[] = WEIGHTS.map(([s]) => s);
  let count = scenarios.reduce((sum, s) => sum + PAYMENTS_PER_SCENARIO[s], 0);
  const total = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  while (count < payments) {
    let roll = random() * total;
    const scenario = WEIGHTS.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'full';
    scenarios.push(scenario);
    count += PAYMENTS_PER_SCENARIO[scenario];
  }
  return scenarios;
}

export async function createMatters(clio: string, scenarios: Scenario[], firmTag: string): Promise<PlannedMatter[]> {
  const matters: PlannedMatter[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    const trustCents = scenario === 'trust' ? INVOICE_TOTAL_CENTS + 10_000 : 0;
    const matter = await controlCall<{ id: number; display_number: string }>(clio, '/__sandbox/matters', {
      description: `Chaos ${firmTag} ${index} (${scenario})`,
      client: { name: `Client ${index}`, email: `client${index}@chaos.test` },
      billing_method: 'hourly',
      ...(trustCents ? { trust_balance_cents: trustCents } : {}),
    });
    matters.push({
      index,
      scenario,
      matterId: String(matter.id),
      displayNumber: matter.display_number,
      trustCents,
      invoiceNumber: null,
      transactions: [],
      closedAt: null,
      legacyReference: null,
    });
  }
  return matters;
}

export async function recordApprovedTime(clio: string, matters: PlannedMatter[]): Promise<void> {
  for (const matter of matters) {
    await controlCall(clio, '/__sandbox/activities', {
      matter_id: Number(matter.matterId),
      hours: INVOICE_HOURS,
      rate_cents: INVOICE_RATE_CENTS,
      note: 'Drafting and advice',
    });
  }
}

/** Waits until every matter has its issued invoice, reading the store (retrying through a PostgreSQL restart). */
export async function awaitInvoices(
  db: pg.Pool,
  firmId: string,
  matters: PlannedMatter[],
  timeoutMs: number,
  log: (line: string) => void = () => undefined,
  /** Called once for each matter as soon as its invoice is issued. */
  onIssued: (matter: PlannedMatter) => void = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let toldAt = Date.now();
  for (;;) {
    const rows = await db
      .query<{ matter_id: string; invoice_number: string }>(
        `SELECT matter_id, invoice_number FROM invoices WHERE firm_id = $1 AND issued_at IS NOT NULL`,
        [firmId],
      )
      .then(
        (r) => r.rows,
        () => null,
      );
    if (rows) {
      const byMatter = new Map(rows.map((r) => [r.matter_id, r.invoice_number]));
      for (const matter of matters) {
        if (matter.invoiceNumber) continue;
        matter.invoiceNumber = byMatter.get(matter.matterId) ?? null;
        if (matter.invoiceNumber) onIssued(matter);
      }
      const missing = matters.filter((m) => !m.invoiceNumber);
      if (missing.length === 0) return;
      if (Date.now() - toldAt >= 15_000) {
        toldAt = Date.now();
        log(`${matters.length - missing.length} of ${matters.length} invoices issued`);
      }
      if (Date.now() > deadline)
        throw new Error(
          `${missing.length} of ${matters.length} matters have no issued invoice after ${timeoutMs / 1000} s (first: ${missing[0]!.displayNumber})`,
        );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const lawPayAuth = {
  authorization: `Basic ${Buffer.from('sandbox_secret_key:').toString('base64')}`,
  'content-type': 'application/json',
};

async function pay(
  lawpay: string,
  matter: PlannedMatter,
  amountCents: number,
  reference: string,
  outcome: 'completed' | 'failed' = 'completed',
): Promise<string> {
  const paid = await controlCall<{ transaction_id: string }>(lawpay, '/__sandbox/pay', {
    amount_cents: amountCents,
    reference,
    outcome,
  });
  matter.transactions.push(paid.transaction_id);
  return paid.transaction_id;
}

/**
 * The first move of each scenario at the processor (what the client or the firm's staff does). Returns what is
 * left to do later in the run (refunds, voids, links, closes), so the two halves interleave with the faults.
 */
export async function firstMove(
  lawpay: string,
  matter: PlannedMatter,
  random: Random,
): Promise<((ctx: LaterContext) => Promise<void>) | null> {
  const invoice = matter.invoiceNumber!;
  switch (matter.scenario) {
    case 'full':
      await pay(lawpay, matter, INVOICE_TOTAL_CENTS, invoice);
      return null;
    case 'partial': {
      // Three installments: two parts now and later, then the rest.
      const first = random.int(10_000, INVOICE_TOTAL_CENTS / 2 - 10_000);
      const second = random.int(10_000, INVOICE_TOTAL_CENTS / 2 - 10_000);
      await pay(lawpay, matter, first, invoice);
      return async () => {
        await pay(lawpay, matter, second, invoice);
        await pay(lawpay, matter, INVOICE_TOTAL_CENTS - first - second, invoice);
      };
    }
    case 'refund': {
      const charge = await pay(lawpay, matter, INVOICE_TOTAL_CENTS, invoice);
      return async () => {
        const refund = await controlCall<{ transaction_id: string }>(
          lawpay,
          `/__sandbox/transactions/${charge}/refund`,
          { amount_cents: random.int(5_000, 20_000) },
        );
        matter.transactions.push(refund.transaction_id);
      };
    }
    case 'voided-charge': {
      const charge = await pay(lawpay, matter, INVOICE_TOTAL_CENTS, invoice);
      return async () => {
        const response = await fetch(`${lawpay}/v1/transactions/${charge}/void`, {
          method: 'POST',
          headers: lawPayAuth,
          body: '{}',
        });
        if (!response.ok) throw new Error(`voiding ${charge}: HTTP ${response.status} ${await response.text()}`);
        await pay(lawpay, matter, INVOICE_TOTAL_CENTS, invoice);
      };
    }
    case 'failed-then-paid':
      await pay(lawpay, matter, INVOICE_TOTAL_CENTS, invoice, 'failed');
      return async () => {
        await pay(lawpay, matter, INVOICE_TOTAL_CENTS, invoice);
      };
    case 'overpaid':
      await pay(lawpay, matter, INVOICE_TOTAL_CENTS + random.int(100, 5_000), invoice);
      return null;
    case 'unknown-reference': {
      matter.legacyReference = `LEGACY-${matter.index}-${random.int(1000, 9999)}`;
      await pay(lawpay, matter, INVOICE_TOTAL_CENTS, matter.legacyReference);
      return async (ctx) => {
        const linked = await ctx.admin(['link', matter.legacyReference!, matter.displayNumber]);
        if (linked.code !== 0)
          throw new Error(`matterpay link ${matter.legacyReference} ${matter.displayNumber} failed: ${linked.output}`);
      };
    }
    case 'closed-mid-reminders':
      return async (ctx) => {
        await ctx.whenReminded(invoice);
        await controlCall(ctx.clio, `/__sandbox/matters/${matter.matterId}`, { status: 'closed' }, 'PATCH');
        matter.closedAt = Date.now();
      };
    case 'admin-void':
      return async (ctx) => {
        const voided = await ctx.admin(['void', invoice, '--reason', 'chaos: billed in error']);
        // Under load the command may stop waiting before the workflow voided (it says so and exits 1): the request
        // stands, and the invariants check how the invoice ended.
        if (voided.code !== 0 && !/asked to void but has not yet/.test(voided.output))
          throw new Error(`matterpay void ${invoice} failed: ${voided.output}`);
      };
    case 'trust':
    case 'unpaid':
      return null;
  }
}

export interface LaterContext {
  clio: string;
  admin(args: string[]): Promise<{ code: number | null; output: string }>;
  /** Resolves once the invoice's first reminder was sent (from the store's message record). */
  whenReminded(invoiceNumber: string): Promise<void>;
}
