import { Option, type Command } from 'commander';
import type { Client } from '@temporalio/client';
import type { InvoiceWorkflowStatus } from '../../shared/messages';
import { workflowIds } from '../../shared/workflowIds';
import { AlertRepository } from '../../store/alerts';
import { InvoiceRepository, type InvoiceStatus } from '../../store/invoices';
import { PayLinkRepository } from '../../store/payLinks';
import { PaymentRepository, type LedgerRow } from '../../store/payments';
import { TrustDrawRepository } from '../../store/trustDraws';
import { commandAction, CommandError, firstLine, type CommandContext } from './context';
import { dateTime, day, fields, iso, money, plural, table } from './format';
import {
  daysSinceIssue,
  INVOICE_STATUSES,
  invoiceJson,
  invoiceNumberArg,
  jsonOption,
  overdueDays,
  parseWith,
  payLinkJson,
  payLinkUrl,
} from './shared';

/** `matterpay invoices` and `matterpay invoice <number>` (docs/architecture.md §8): the invoices of record, read from the store. */
export function registerInvoiceCommands(program: Command): void {
  program
    .command('invoices')
    .description("list the firm's invoices: amounts, trust applied, age, escalation, delivery")
    .addOption(new Option('--status <status>', 'only invoices in this state').choices(INVOICE_STATUSES))
    .option('--matter <matter>', 'only invoices of this matter (its id or display number)')
    .option('--overdue', 'only invoices past their due date with a balance')
    .addOption(jsonOption())
    .action(commandAction(listInvoices));

  program
    .command('invoice')
    .description(
      'one invoice in full: record, lines, trust draw, pay links, payments, alerts, and its live workflow state',
    )
    .argument('<number>', 'the invoice number, such as 00042-Smith-3', parseWith(invoiceNumberArg))
    .addOption(jsonOption())
    .action(commandAction(showInvoice));
}

async function listInvoices(
  ctx: CommandContext,
  options: { status?: InvoiceStatus; matter?: string; overdue?: boolean; json?: boolean },
): Promise<void> {
  const db = await ctx.db();
  const now = new Date();
  const matter = options.matter?.trim();
  const invoices = (
    await new InvoiceRepository(db).list(ctx.firmId, { status: options.status ? [options.status] : undefined })
  )
    .filter((inv) => !matter || inv.matterId === matter || inv.matterDisplayNumber === matter)
    .filter((inv) => !options.overdue || overdueDays(inv, now, ctx.timeZone) !== null);

  if (options.json) {
    ctx.printJson({
      firmId: ctx.firmId,
      generatedAt: iso(now),
      filter: { status: options.status ?? null, matter: matter ?? null, overdue: options.overdue ?? false },
      invoices: invoices.map((inv) => invoiceJson(inv, now, ctx.timeZone)),
    });
    return;
  }

  const filterText = [
    options.status && `status ${options.status}`,
    matter && `matter ${matter}`,
    options.overdue && 'overdue',
  ]
    .filter(Boolean)
    .join(', ');
  if (invoices.length === 0) {
    ctx.print(`No invoices for ${ctx.firmId}${filterText ? ` with ${filterText}` : ''}.`);
    return;
  }
  const totals = invoices.reduce(
    (t, inv) => ({
      total: t.total + inv.totalCents,
      trust: t.trust + inv.trustAppliedCents,
      paid: t.paid + inv.paidCents,
      due: t.due + inv.amountDueCents,
    }),
    { total: 0, trust: 0, paid: 0, due: 0 },
  );
  ctx.print(`Invoices of ${ctx.firmId}${filterText ? ` (${filterText})` : ''}, dates in ${ctx.timeZone}:\n`);
  ctx.print(
    table(
      [
        { header: 'Invoice' },
        { header: 'Matter' },
        { header: 'Status' },
        { header: 'Total', align: 'right' },
        { header: 'Trust', align: 'right' },
        { header: 'Paid', align: 'right' },
        { header: 'Due', align: 'right' },
        { header: 'Issued' },
        { header: 'Days', align: 'right' },
        { header: 'Escalated' },
        { header: 'Delivery' },
        { header: 'Due date' },
        { header: 'Overdue' },
      ],
      invoices.map((inv) => {
        const days = daysSinceIssue(inv, now, ctx.timeZone);
        const overdue = overdueDays(inv, now, ctx.timeZone);
        return [
          inv.invoiceNumber,
          inv.matterDisplayNumber,
          inv.status,
          money(inv.totalCents),
          money(inv.trustAppliedCents),
          money(inv.paidCents),
          money(inv.amountDueCents),
          day(inv.issuedAt, ctx.timeZone),
          days === null ? '' : String(days),
          inv.escalatedAt ? 'yes' : '',
          inv.delivery,
          day(inv.dueAt, ctx.timeZone),
          overdue === null ? '' : `Overdue ${plural(overdue, 'day')}`,
        ];
      }),
      {
        footer: [
          [
            plural(invoices.length, 'invoice'),
            '',
            '',
            money(totals.total),
            money(totals.trust),
            money(totals.paid),
            money(totals.due),
          ],
        ],
      },
    ),
  );
}

/** The live side of an invoice: its workflow's execution state and its `status` query, when Temporal answers. */
export interface WorkflowView {
  workflowId: string;
  reachable: boolean;
  found: boolean;
  execution: string | null;
  state: InvoiceWorkflowStatus | null;
  problem: string | null;
}

const QUERY_TIMEOUT_MS = 5_000;

async function showInvoice(ctx: CommandContext, invoiceNumber: string, options: { json?: boolean }): Promise<void> {
  const db = await ctx.db();
  const now = new Date();
  const invoice = await new InvoiceRepository(db).get(ctx.firmId, invoiceNumber);
  if (!invoice) throw new CommandError(`invoice ${invoiceNumber} not found`);

  const [lines, draw, links, payments, alerts] = await Promise.all([
    new InvoiceRepository(db).lines(ctx.firmId, invoiceNumber),
    new TrustDrawRepository(db).forInvoice(ctx.firmId, invoiceNumber),
    new PayLinkRepository(db).list(ctx.firmId).then((all) => all.filter((l) => l.invoiceNumber === invoiceNumber)),
    new PaymentRepository(db).list(ctx.firmId, { invoiceNumber }),
    new AlertRepository(db).open(ctx.firmId).then((all) => all.filter((a) => a.subject === invoiceNumber)),
  ]);
  const workflow = await readWorkflow(ctx, invoiceNumber);

  if (options.json) {
    ctx.printJson({
      firmId: ctx.firmId,
      generatedAt: iso(now),
      invoice: invoiceJson(invoice, now, ctx.timeZone),
      lines,
      trustDraw: draw && {
        id: draw.id,
        matterId: draw.matterId,
        amountCents: draw.amountCents,
        state: draw.state,
        practiceBalanceSeenCents: draw.practiceBalanceSeenCents,
        expectedBalanceAfterCents: draw.expectedBalanceAfterCents,
        recordedAt: iso(draw.recordedAt),
        confirmedAt: iso(draw.confirmedAt),
      },
      payLinks: links.map((l) => payLinkJson(ctx, l)),
      payments: payments.map(paymentJson),
      alerts: alerts.map((a) => ({ kind: a.kind, message: a.message, createdAt: iso(a.createdAt) })),
      workflow: {
        workflowId: workflow.workflowId,
        reachable: workflow.reachable,
        found: workflow.found,
        execution: workflow.execution,
        problem: workflow.problem,
        state: workflow.state && workflowStateJson(workflow.state),
      },
    });
    return;
  }

  const tz = ctx.timeZone;
  const days = daysSinceIssue(invoice, now, tz);
  const out: string[] = [
    `Invoice ${invoice.invoiceNumber}`,
    fields([
      ['Matter', `${invoice.matterDisplayNumber} (id ${invoice.matterId})`],
      ['Kind', `${invoice.kind}, period ${invoice.period}`],
      ['Status', invoice.status],
      ['Total', money(invoice.totalCents)],
      ['Matter credit applied', invoice.creditAppliedCents > 0 ? money(invoice.creditAppliedCents) : null],
      ['Trust applied', money(invoice.trustAppliedCents)],
      ['Paid', money(invoice.paidCents)],
      ['Amount due', money(invoice.amountDueCents)],
      [
        'Overpaid',
        invoice.overpaymentCents > 0 ? `${money(invoice.overpaymentCents)} (held as a credit on the matter)` : null,
      ],
      [
        'Due date',
        invoice.dueAt
          ? `${day(invoice.dueAt, tz)}${overdueDays(invoice, now, tz) !== null ? ` (Overdue ${plural(overdueDays(invoice, now, tz)!, 'day')})` : ''}`
          : null,
      ],
      ['Delivery', invoice.delivery],
      ['Created', dateTime(invoice.createdAt, tz)],
      ['Approved', invoice.approvedBy ? `by ${invoice.approvedBy} on ${dateTime(invoice.approvedAt, tz)}` : null],
      [
        'Issued',
        invoice.issuedAt
          ? `${dateTime(invoice.issuedAt, tz)} (${days === 0 ? 'today' : `${plural(days ?? 0, 'day')} ago`})`
          : 'not yet',
      ],
      ['Escalated', invoice.escalatedAt ? dateTime(invoice.escalatedAt, tz) : null],
      ['Settled', dateTime(invoice.settledAt, tz)],
      ['Voided', dateTime(invoice.voidedAt, tz)],
    ]),
    '',
    'Lines',
    lines.length === 0
      ? '  none'
      : table(
          [
            { header: 'Line' },
            { header: 'Date' },
            { header: 'Description' },
            { header: 'Hours', align: 'right' },
            { header: 'Rate', align: 'right' },
            { header: 'Amount', align: 'right' },
          ],
          lines.map((l) => [
            l.lineKey,
            l.date ?? '',
            l.description,
            l.seconds ? (l.seconds / 3600).toFixed(2) : '',
            l.rateCents == null ? '' : money(l.rateCents),
            money(l.amountCents),
          ]),
          { indent: '  ' },
        ),
    '',
    'Trust draw',
    draw
      ? fields([
          ['Amount', money(draw.amountCents)],
          ['State', draw.state === 'recorded' ? 'recorded (the practice system does not show it yet)' : draw.state],
          ['Recorded', dateTime(draw.recordedAt, tz)],
          ['Confirmed', dateTime(draw.confirmedAt, tz)],
          [
            'Trust seen',
            `${money(draw.practiceBalanceSeenCents)} before, ${money(draw.expectedBalanceAfterCents)} expected after`,
          ],
        ])
      : '  none',
    '',
    'Pay links',
    links.length === 0
      ? '  none'
      : table(
          [
            { header: 'Status' },
            { header: 'Created' },
            { header: 'Expires' },
            { header: 'Opened', align: 'right' },
            { header: 'URL' },
          ],
          links.map((l) => [
            l.status,
            dateTime(l.createdAt, tz),
            dateTime(l.expiresAt, tz),
            String(l.openedCount),
            payLinkUrl(ctx, l.token),
          ]),
          { indent: '  ' },
        ),
    '',
    'Payments',
    payments.length === 0
      ? '  none recorded'
      : table(
          [
            { header: 'Date' },
            { header: 'Processor' },
            { header: 'Transaction' },
            { header: 'Kind' },
            { header: 'Status' },
            { header: 'Amount', align: 'right' },
            { header: 'Counts', align: 'right' },
            { header: 'State' },
          ],
          payments.map((p) => [
            dateTime(p.occurredAt, tz),
            p.processor,
            p.transactionId,
            p.kind,
            p.status,
            money(p.amountCents),
            money(p.effectCents),
            p.detail ? `${p.state}: ${p.detail}` : p.state,
          ]),
          { indent: '  ' },
        ),
    '',
    'Open alerts',
    alerts.length === 0
      ? '  none'
      : alerts.map((a) => `  ${dateTime(a.createdAt, tz)}  ${a.kind}: ${a.message}`).join('\n'),
    '',
    `Workflow ${workflow.workflowId}`,
    workflowText(workflow, tz),
  ];
  ctx.print(out.join('\n'));
}

/** A ledger row as `invoice --json` has always shown it: what it is and what it counts, not the firm or matter. */
function paymentJson(p: LedgerRow) {
  return {
    processor: p.processor,
    transactionId: p.transactionId,
    kind: p.kind,
    status: p.status,
    amountCents: p.amountCents,
    effectCents: p.effectCents,
    reference: p.reference,
    state: p.state,
    detail: p.detail,
    occurredAt: iso(p.occurredAt),
    recordedAt: iso(p.recordedAt),
  };
}

/** The `status` query's answer with ISO UTC timestamps in place of epoch milliseconds. */
function workflowStateJson(state: InvoiceWorkflowStatus) {
  const { issuedAtMs, approvedAtMs, nextReminder, ...rest } = state;
  return {
    ...rest,
    issuedAt: iso(issuedAtMs),
    approvedAt: iso(approvedAtMs),
    nextReminder: nextReminder && { kind: nextReminder.kind, at: iso(nextReminder.atMs) },
  };
}

function workflowText(view: WorkflowView, tz: string): string {
  if (!view.reachable) return `  could not be reached: ${view.problem}`;
  if (!view.found) return `  ${view.problem}`;
  const state = view.state;
  const rows: Array<[string, string | null]> = [
    ['Execution', view.execution?.toLowerCase().replace(/_/g, ' ') ?? null],
  ];
  if (state) {
    rows.push(
      ['Status', state.status],
      ['Amount due', money(state.amountDueCents)],
      [
        'Approval',
        state.approvedBy
          ? `by ${state.approvedBy} on ${dateTime(state.approvedAtMs, tz)}`
          : state.status === 'awaiting_approval'
            ? 'waiting (matterpay approve <number>)'
            : 'none',
      ],
      [
        'Next reminder',
        state.nextReminder
          ? `${state.nextReminder.kind} on ${dateTime(state.nextReminder.atMs, tz)}`
          : 'none scheduled',
      ],
      ['Escalated', state.escalated ? 'yes' : 'no'],
      ['Delivery held', state.deliveryHeld ? 'yes (no valid client email)' : null],
      ['Pay link', state.payLinkUrl],
    );
  } else {
    rows.push(['Live state', `not available: ${view.problem}`]);
  }
  return fields(rows);
}

/** Describes the invoice's workflow and asks its `status` query, within a few seconds; never throws. */
export async function readWorkflow(ctx: CommandContext, invoiceNumber: string): Promise<WorkflowView> {
  const workflowId = workflowIds.invoice(ctx.firmId, invoiceNumber);
  const view: WorkflowView = {
    workflowId,
    reachable: false,
    found: false,
    execution: null,
    state: null,
    problem: null,
  };
  let client: Client;
  try {
    client = await ctx.temporal();
  } catch (err) {
    view.problem = firstLine(err);
    return view;
  }
  // Loaded with the client, not at the top: `matterpay invoices` reads only the store (@temporalio/workflow is heavy).
  const { WorkflowNotFoundError } = await import('@temporalio/client');
  const { invoiceStatusQuery } = require('../../shared/messages') as typeof import('../../shared/messages');
  const handle = client.workflow.getHandle(workflowId);
  try {
    const description = await client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.describe());
    view.reachable = true;
    view.found = true;
    view.execution = description.status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      view.reachable = true;
      view.problem = "no such workflow (not started yet, or removed after the namespace's retention period)";
    } else {
      view.problem = `Temporal at ${ctx.temporalAddress} did not answer (${firstLine(err)})`;
    }
    return view;
  }
  try {
    view.state = await client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(invoiceStatusQuery));
  } catch (err) {
    view.problem = isDeadline(err)
      ? `the workflow did not answer its status query within ${QUERY_TIMEOUT_MS / 1000} s: is a matterpay worker running?`
      : firstLine(err);
  }
  return view;
}

function isDeadline(err: unknown): boolean {
  const e = err as { code?: number; cause?: { code?: number } };
  // gRPC DEADLINE_EXCEEDED = 4, CANCELLED = 1 (the deadline aborts the call).
  return [1, 4].includes(e.code ?? -1) || [1, 4].includes(e.cause?.code ?? -1) || /deadline/i.test(firstLine(err));
}
