import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowClient } from '@temporalio/client';
import type pg from 'pg';
import { messageIdFor } from '../../connectors/mail/message';
import type { PlannedMatter } from './business';
import { clioState, lawPayState, processorEffectCents, type LawPayTransaction } from './vendorState';

export interface InvariantResult {
  name: string;
  violations: number;
  examples: string[];
}

export interface InvariantInput {
  firmId: string;
  db: pg.Pool;
  temporal: WorkflowClient;
  clioUrl: string;
  lawPayUrl: string;
  outboxDir: string;
  matters: PlannedMatter[];
  /** A matter's close takes a webhook to reach matterpay: a reminder already being sent within this much is not late. */
  closeGraceMs: number;
}

class Check {
  readonly examples: string[] = [];
  violations = 0;
  constructor(readonly name: string) {}
  fail(example: string): void {
    this.violations++;
    if (this.examples.length < 5) this.examples.push(example);
  }
  result(): InvariantResult {
    return { name: this.name, violations: this.violations, examples: this.examples };
  }
}

/** Every invariant of the issue, from the vendors' state (processor ledger, Clio notes and trust, outbox) and the store. */
export async function checkInvariants(input: InvariantInput): Promise<InvariantResult[]> {
  const { db, firmId } = input;
  const lawpay = await lawPayState(input.lawPayUrl);
  const clio = await clioState(input.clioUrl);
  const trustAccounts = new Set((lawpay.merchant.accounts ?? []).filter((a) => a.trust_account).map((a) => a.id));
  const transactions = lawpay.transactions.filter((t) => !trustAccounts.has(t.account_id) && t.type !== 'CREDIT');
  const byId = new Map<string, LawPayTransaction>(transactions.map((t) => [t.id, t]));

  const ledger = (
    await db.query<{
      transaction_id: string;
      kind: string;
      state: string;
      effect_cents: string;
      invoice_number: string | null;
      status: string;
    }>(
      `SELECT transaction_id, kind, state, effect_cents, invoice_number, status FROM processed_payments WHERE firm_id = $1 AND processor = 'lawpay'`,
      [firmId],
    )
  ).rows;
  const rowsByTxn = new Map<string, typeof ledger>();
  for (const row of ledger) rowsByTxn.set(row.transaction_id, [...(rowsByTxn.get(row.transaction_id) ?? []), row]);
  const alerts = (
    await db.query<{ subject: string; resolved_at: Date | null }>(
      `SELECT subject, resolved_at FROM alerts WHERE firm_id = $1`,
      [firmId],
    )
  ).rows;
  const alerted = new Set(alerts.map((a) => a.subject));

  // 1. 0 payments lost: every completed transaction is applied, or parked with an alert.
  const lost = new Check('payments lost (completed at the processor, neither applied nor parked with an alert)');
  for (const txn of transactions) {
    if (txn.status !== 'COMPLETED') continue;
    const rows = rowsByTxn.get(txn.id) ?? [];
    const applied = rows.some((r) => r.state === 'applied');
    const parked =
      rows.some((r) => ['parked', 'unmatched'].includes(r.state)) && [...alerted].some((s) => s.includes(txn.id));
    if (!applied && !parked)
      lost.fail(
        `${txn.type} ${txn.id} ${txn.amount}c ref ${txn.reference}: ${rows.map((r) => r.state).join(',') || 'no ledger row'}`,
      );
  }

  // 2. 0 applied twice: one ledger row per transaction, its effect the processor's, one note per transaction event.
  const twice = new Check(
    "payments applied twice (more than one ledger row or note, or an effect larger than the processor's)",
  );
  for (const [txnId, rows] of rowsByTxn) {
    if (rows.length > 1) twice.fail(`${txnId}: ${rows.length} ledger rows`);
    const txn = byId.get(txnId);
    const applied = rows.filter((r) => r.state === 'applied').reduce((sum, r) => sum + Number(r.effect_cents), 0);
    if (txn && Math.abs(applied) > Math.abs(processorEffectCents(txn)))
      twice.fail(`${txnId}: store effect ${applied}c, processor ${processorEffectCents(txn)}c`);
  }
  const notesByEvent = new Map<string, number>();
  for (const note of clio.notes) {
    const txn = /\(transaction ([^)]+)\)/.exec(note.detail ?? '')?.[1];
    if (!txn) continue;
    const key = `${txn} ${note.subject.split(':')[0]}`;
    notesByEvent.set(key, (notesByEvent.get(key) ?? 0) + 1);
  }
  for (const [key, n] of notesByEvent) if (n > 1) twice.fail(`note "${key}" on the matter ${n} times`);

  // 3. Each invoice's paid amount = the processor ledger's net for it.
  const net = new Check("invoices whose paid amount differs from the processor ledger's net for them");
  const invoices = (
    await db.query<{
      invoice_number: string;
      matter_id: string;
      status: string;
      paid_cents: string;
      total_cents: string;
      settled_at: Date | null;
      period: string;
      kind: string;
    }>(
      `SELECT invoice_number, matter_id, status, paid_cents, total_cents, settled_at, period, kind FROM invoices WHERE firm_id = $1`,
      [firmId],
    )
  ).rows;
  const attributed = new Map<string, number>();
  for (const row of ledger) {
    if (row.state !== 'applied' || !row.invoice_number) continue;
    const txn = byId.get(row.transaction_id);
    attributed.set(
      row.invoice_number,
      (attributed.get(row.invoice_number) ?? 0) + (txn ? processorEffectCents(txn) : Number.NaN),
    );
  }
  for (const invoice of invoices) {
    const processorNet = attributed.get(invoice.invoice_number) ?? 0;
    if (Number(invoice.paid_cents) !== processorNet)
      net.fail(`${invoice.invoice_number}: paid ${invoice.paid_cents}c, processor net ${processorNet}c`);
  }
  // A payment that names the invoice is on that invoice (or parked/credited with a reason), never on another.
  for (const txn of transactions) {
    const invoiceNumber =
      txn.reference && invoices.some((i) => i.invoice_number === txn.reference) ? txn.reference : null;
    const row = (rowsByTxn.get(txn.id) ?? []).find((r) => r.state === 'applied');
    if (invoiceNumber && row && row.invoice_number && row.invoice_number !== invoiceNumber)
      net.fail(`${txn.id} names ${invoiceNumber} but was applied to ${row.invoice_number}`);
  }

  // 4. 0 duplicate invoices for one matter and period.
  const duplicates = new Check('duplicate invoices (one matter and period; a voided one is not owed)');
  const perPeriod = new Map<string, string[]>();
  // A voided invoice releases its time entries for a later invoice (docs/domain.md §4.2), so a void and the invoice
  // that bills the same entries again are one invoice owed, not two; the store's unique line key keeps an entry on
  // one invoice at a time (seed 7 found 00059-58-1 voided by an admin and 00059-58-2 issued for its entry).
  for (const invoice of invoices.filter((i) => i.status !== 'void')) {
    const key = `${invoice.matter_id} ${invoice.period} ${invoice.kind}`;
    perPeriod.set(key, [...(perPeriod.get(key) ?? []), invoice.invoice_number]);
  }
  for (const [key, numbers] of perPeriod) if (numbers.length > 1) duplicates.fail(`${key}: ${numbers.join(', ')}`);

  // 5. 0 trust draws beyond the trust the matter had in Clio.
  const trust = new Check('trust drawn beyond available (Clio ledger balance)');
  const draws = (
    await db.query<{ matter_id: string; cents: string }>(
      `SELECT matter_id, sum(amount_cents)::bigint AS cents FROM trust_draws WHERE firm_id = $1 AND state <> 'reversed' GROUP BY matter_id`,
      [firmId],
    )
  ).rows;
  const clioTrust = new Map(clio.matters.map((m) => [String(m.id), m.trust_balance_cents]));
  for (const draw of draws) {
    const available = clioTrust.get(draw.matter_id) ?? 0;
    if (Number(draw.cents) > available) trust.fail(`matter ${draw.matter_id}: drew ${draw.cents}c of ${available}c`);
  }
  for (const matter of input.matters.filter((m) => m.scenario === 'trust')) {
    const invoice = invoices.find((i) => i.invoice_number === matter.invoiceNumber);
    if (invoice && invoice.status !== 'paid')
      trust.fail(`${invoice.invoice_number}: trust covered it, but it is ${invoice.status}`);
  }

  // 6. 0 reminders after the matter closed or the invoice was paid (or voided).
  const late = new Check('reminders sent after the invoice was paid/voided or its matter closed');
  const messages = (
    await db.query<{ idempotency_key: string; sent_at: Date | null; state: string }>(
      `SELECT idempotency_key, sent_at, state FROM outbound_messages WHERE firm_id = $1`,
      [firmId],
    )
  ).rows;
  const invoiceByNumber = new Map(invoices.map((i) => [i.invoice_number, i]));
  const voidedAt = new Map(
    (
      await db.query<{ invoice_number: string; voided_at: Date | null }>(
        `SELECT invoice_number, voided_at FROM invoices WHERE firm_id = $1 AND voided_at IS NOT NULL`,
        [firmId],
      )
    ).rows.map((r) => [r.invoice_number, r.voided_at!]),
  );
  const closedAt = new Map(input.matters.filter((m) => m.closedAt).map((m) => [m.invoiceNumber!, m.closedAt!]));
  for (const message of messages) {
    const match = /^[^/]+\/(.+)\/reminder-(\d+)$/.exec(message.idempotency_key);
    if (!match || !message.sent_at) continue;
    const invoice = invoiceByNumber.get(match[1]!);
    const sent = message.sent_at.getTime();
    if (invoice?.settled_at && invoice.status === 'paid' && sent > invoice.settled_at.getTime())
      late.fail(`${message.idempotency_key} sent after ${invoice.invoice_number} was paid`);
    const voided = voidedAt.get(match[1]!);
    if (voided && sent > voided.getTime()) late.fail(`${message.idempotency_key} sent after the invoice was voided`);
    const closed = closedAt.get(match[1]!);
    if (closed && sent > closed + input.closeGraceMs)
      late.fail(`${message.idempotency_key} sent ${Math.round((sent - closed) / 1000)} s after its matter closed`);
  }

  // 7. Every email exactly once (outbox .eml files against the message record), every payment note exactly once.
  const emails = new Check('emails not sent exactly once (outbox against the message record)');
  const files = fs.existsSync(input.outboxDir)
    ? fs.readdirSync(input.outboxDir).filter((f) => f.endsWith('.eml') && !f.startsWith('.'))
    : [];
  const idsInOutbox = new Map<string, number>();
  for (const file of files) {
    const head = fs.readFileSync(path.join(input.outboxDir, file), 'utf8').slice(0, 4000);
    const id = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? file;
    idsInOutbox.set(id, (idsInOutbox.get(id) ?? 0) + 1);
  }
  for (const [id, n] of idsInOutbox) if (n > 1) emails.fail(`${id} in the outbox ${n} times`);
  for (const message of messages) {
    const n = idsInOutbox.get(messageIdFor(message.idempotency_key)) ?? 0;
    if (message.state === 'sent' && n !== 1)
      emails.fail(`${message.idempotency_key}: recorded sent, ${n} in the outbox`);
    if (message.state === 'sending') emails.fail(`${message.idempotency_key}: still "sending"`);
  }
  const notes = new Check('payment notes missing on the matter (an applied payment without its note)');
  for (const row of ledger) {
    if (row.state !== 'applied' || Number(row.effect_cents) === 0) continue;
    const present = [...notesByEvent.keys()].some((key) => key.startsWith(`${row.transaction_id} `));
    if (!present) notes.fail(`${row.transaction_id} (${row.kind}, ${row.effect_cents}c) has no note`);
  }
  const writebacks = await writebacksNotDelivered(db, firmId, PENDING_WRITEBACK_GRACE_MS);
  // The last error says why a write-back died: the faults injected are all retryable, so a dead one is a bug.
  for (const w of writebacks)
    notes.fail(`${w.n} ${w.kind} write-backs still ${w.state}${w.last_error ? ` (${w.last_error})` : ''}`);

  // 8. No failed workflow, no stuck one.
  const stuck = new Check('workflows failed, or stuck (an activity retried over and over, a workflow task failing)');
  for await (const execution of input.temporal.list({
    query: 'ExecutionStatus = "Failed" OR ExecutionStatus = "TimedOut" OR ExecutionStatus = "Terminated"',
  })) {
    stuck.fail(
      `${execution.workflowId}: ${execution.status.name}${await closingFailure(input.temporal, execution.workflowId, execution.runId)}`,
    );
  }
  const running: string[] = [];
  for await (const execution of input.temporal.list({ query: 'ExecutionStatus = "Running"' }))
    running.push(execution.workflowId);
  await Promise.all(
    running.map(async (workflowId) => {
      const description = await input.temporal
        .getHandle(workflowId)
        .describe()
        .catch(() => null);
      for (const activity of description?.raw.pendingActivities ?? []) {
        if (Number(activity.attempt ?? 1) > 3)
          stuck.fail(
            `${workflowId}: ${activity.activityType?.name} on attempt ${activity.attempt}: ${activity.lastFailure?.message ?? ''}`,
          );
      }
      const task = description?.raw.pendingWorkflowTask;
      if (task && Number(task.attempt ?? 1) > 2) stuck.fail(`${workflowId}: workflow task on attempt ${task.attempt}`);
    }),
  );

  return [lost, twice, net, duplicates, trust, late, emails, notes, stuck].map((c) => c.result());
}

/**
 * A write still queued is owed, not lost: a reminder's timer or an activity's retry backoff can enqueue one after the
 * settle's quiet spell. So a pending write is given this long to reach the matter; a dead one fails at once.
 */
const PENDING_WRITEBACK_GRACE_MS = 60_000;

async function writebacksNotDelivered(
  db: pg.Pool,
  firmId: string,
  graceMs: number,
): Promise<{ state: string; kind: string; last_error: string | null; n: number }[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const rows = (
      await db.query<{ state: string; kind: string; last_error: string | null; n: number }>(
        `SELECT state, kind, last_error, count(*)::int AS n FROM practice_writebacks
          WHERE firm_id = $1 AND state <> 'done' GROUP BY state, kind, last_error`,
        [firmId],
      )
    ).rows;
    if (rows.every((row) => row.state !== 'pending') || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** Why a run failed, from its closing event: what a failed run's seed needs to be replayed into a fix. */
async function closingFailure(
  temporal: {
    getHandle(workflowId: string, runId?: string): { fetchHistory(): Promise<{ events?: unknown[] | null }> };
  },
  workflowId: string,
  runId: string,
): Promise<string> {
  const history = await temporal
    .getHandle(workflowId, runId)
    .fetchHistory()
    .catch(() => null);
  type Failure = { message?: string | null; cause?: Failure | null } | null | undefined;
  const last = history?.events?.at(-1) as
    { workflowExecutionFailedEventAttributes?: { failure?: Failure } } | undefined;
  const messages: string[] = [];
  for (let f = last?.workflowExecutionFailedEventAttributes?.failure; f && messages.length < 4; f = f.cause)
    if (f.message) messages.push(f.message);
  return messages.length > 0 ? ` (${messages.join(': ').slice(0, 400)})` : '';
}
