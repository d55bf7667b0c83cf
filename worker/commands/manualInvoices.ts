/**
 * What `send-csv` and `quick-link` share once their invoices are drafted (activities/manualInvoices.ts): each
 * invoice's workflow (trust first, pay link, email, reminders) like any other; and, for `--no-email`, waiting until
 * the workflow has made each pay link so the links can be handed to the firm.
 */
import { SingleBar } from 'cli-progress';
import { InvoiceNumberTakenError } from '../../activities/drafting';
import { draftManualInvoices } from '../../activities/manualInvoices';
import { FIRM_ID } from '../../shared/searchAttributes';
import { invoiceMemo, workflowIds } from '../../shared/workflowIds';
import { workflowRef } from '../../shared/workflowTypes';
import type { Db } from '../../store/db';
import { InvoiceRepository } from '../../store/invoices';
import { PayLinkRepository } from '../../store/payLinks';
import { billingPolicy } from '../policy';
import { CommandError, type CommandContext } from './context';

/** Drafts the admin's invoices (all or none); a number already taken is the admin's to change. */
export async function draftInvoicesOfRecord(
  ctx: CommandContext,
  db: Db,
  batch: Omit<Parameters<typeof draftManualInvoices>[1], 'firmId' | 'timeZone'>,
): Promise<{ fresh: boolean; numbers: string[] }> {
  try {
    return await draftManualInvoices(db, { firmId: ctx.firmId, timeZone: ctx.timeZone, ...batch });
  } catch (err) {
    if (err instanceof InvoiceNumberTakenError) throw new CommandError(err.message);
    throw err;
  }
}

/** Starts each invoice's workflow; starting is idempotent, so a re-run after an interruption starts only what is missing. */
export async function startInvoiceWorkflows(
  ctx: CommandContext,
  db: Db,
  numbers: string[],
  options: { progress: boolean },
): Promise<void> {
  const temporal = await ctx.temporal();
  const invoices = new InvoiceRepository(db);
  const bar =
    options.progress && process.stderr.isTTY
      ? new SingleBar({ format: 'Starting invoices {bar} {value}/{total}', hideCursor: true })
      : null;
  bar?.start(numbers.length, 0);
  for (const number of numbers) {
    const record = await invoices.require(ctx.firmId, number);
    await temporal.workflow
      .start(workflowRef('invoice'), {
        taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
        workflowId: workflowIds.invoice(ctx.firmId, number),
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [{ firmId: ctx.firmId, invoiceNumber: number, policy: billingPolicy(ctx.config) }],
        memo: invoiceMemo(number, record.matterDisplayNumber),
        typedSearchAttributes: [{ key: FIRM_ID, value: ctx.firmId }],
      })
      .catch((err: Error) => {
        if (err.name !== 'WorkflowExecutionAlreadyStartedError') throw err;
      });
    bar?.increment();
  }
  bar?.stop();
}

export interface IssuedLink {
  invoiceNumber: string;
  /** Null when trust paid the whole invoice: there is nothing to ask the client for. */
  url: string | null;
  amountDueCents: number;
  dueDate: string | null;
}

/**
 * Waits until every invoice's workflow has issued it (its pay link exists, or trust settled it). The links come
 * from the workflow, not from here, so the trust-first rule decides what each link asks for.
 */
export async function waitForIssuedLinks(
  ctx: CommandContext,
  db: Db,
  numbers: string[],
  timeoutMs = 60_000,
): Promise<IssuedLink[]> {
  const invoices = new InvoiceRepository(db);
  const links = new PayLinkRepository(db);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const issued: IssuedLink[] = [];
    for (const number of numbers) {
      const invoice = await invoices.require(ctx.firmId, number);
      const link = await links.outstanding(ctx.firmId, number);
      const settled = invoice.status === 'paid';
      if (!link && !settled) break;
      issued.push({
        invoiceNumber: number,
        url: link ? `${ctx.config.publicBaseUrl}/pay/${link.token}` : null,
        amountDueCents: invoice.amountDueCents,
        dueDate: invoice.dueAt
          ? new Intl.DateTimeFormat('en-CA', { timeZone: ctx.timeZone }).format(invoice.dueAt)
          : null,
      });
    }
    if (issued.length === numbers.length) return issued;
    if (Date.now() > deadline) {
      throw new CommandError(
        `the invoices are saved, but ${numbers.length - issued.length} of them had no pay link after ${timeoutMs / 1000} s: is a matterpay worker running? Run the same command again to pick them up.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
