import type { Command } from 'commander';
import { z } from 'zod';
import { cancelSignal, invoiceStatusQuery, type InvoiceWorkflowStatus } from '../../shared/messages';
import { workflowIds } from '../../shared/workflowIds';
import { InvoiceRepository, type InvoiceRecord } from '../../store/invoices';
import { formatCents } from '../../domain/money';
import { commandAction, CommandError, firstLine, type CommandContext } from './context';
import { invoiceNumberArg, jsonOption, parseWith } from './shared';

/**
 * `matterpay void <number> --reason` (docs/architecture.md §8): asks the invoice's workflow to void it (the `cancel` signal) and
 * waits until it has. The workflow voids in one database transaction (entries released, link closed, an unposted
 * trust draw reversed, anything paid kept as a matter credit with an alert), so the command never leaves half a void.
 */
export function registerVoidCommand(program: Command): void {
  program
    .command('void')
    .description(
      'void an invoice that is not paid: its time goes back to be billed again, its link is closed, anything paid becomes a matter credit',
    )
    .argument('<number>', 'the invoice number, such as 00042-Smith-3', parseWith(invoiceNumberArg))
    .requiredOption('--reason <text>', 'why, for the note on the matter', parseWith(reasonArg))
    .addOption(jsonOption())
    .action(commandAction(voidInvoice));
}

const reasonArg = z
  .string()
  .trim()
  .min(1, 'the reason must not be empty')
  .max(500, 'the reason is at most 500 characters');
const WAIT_MS = 30_000;
const QUERY_DEADLINE_MS = 5_000;

async function voidInvoice(
  ctx: CommandContext,
  invoiceNumber: string,
  options: { reason: string; json?: boolean },
): Promise<void> {
  const invoice = await new InvoiceRepository(await ctx.db()).get(ctx.firmId, invoiceNumber);
  if (!invoice) throw new CommandError(`invoice ${invoiceNumber} not found`);
  if (invoice.status === 'paid')
    throw new CommandError(
      `invoice ${invoiceNumber} is paid in full and cannot be voided; refund the payment at the processor instead`,
    );
  // Asked again (a first run that lost its connection after the void): the same answer, not an error.
  if (invoice.status === 'void') return report(ctx, invoice, { reason: null, json: options.json });
  const client = await ctx.temporal();
  const handle = client.workflow.getHandle(workflowIds.invoice(ctx.firmId, invoiceNumber));
  try {
    // It may wait out a Temporal outage (TEMPORAL_WAIT), then gets ten seconds: a connection that stops answering
    // must not hold the command (test/cli/voidDeadline.test.ts).
    await client.withDeadline(Date.now() + ctx.config.TEMPORAL_WAIT + 10_000, () =>
      handle.signal(cancelSignal, { reason: options.reason }),
    );
  } catch (err) {
    throw new CommandError(
      `cannot reach the workflow of invoice ${invoiceNumber} (${firstLine(err)}); the void may not have been asked: check it with: matterpay invoice ${invoiceNumber}`,
    );
  }
  const deadline = Date.now() + WAIT_MS;
  let status: InvoiceWorkflowStatus | null = null;
  while (Date.now() < deadline) {
    // Each question has its own deadline: a connection that stopped answering must not hold the command past its wait.
    status = await client
      .withDeadline(Math.min(deadline, Date.now() + QUERY_DEADLINE_MS), () => handle.query(invoiceStatusQuery))
      .catch(() => null);
    if (status?.status === 'void') break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (status?.status !== 'void')
    throw new CommandError(
      `invoice ${invoiceNumber} was asked to void but has not yet; check it with: matterpay invoice ${invoiceNumber}`,
    );
  report(ctx, await new InvoiceRepository(await ctx.db()).require(ctx.firmId, invoiceNumber), options);
}

function report(
  ctx: CommandContext,
  after: InvoiceRecord,
  options: { reason: string | null; json?: boolean | undefined },
): void {
  const { invoiceNumber } = after;
  if (options.json) {
    ctx.printJson({ invoiceNumber, status: 'void', reason: options.reason, creditCents: after.overpaymentCents });
    return;
  }
  ctx.print(
    options.reason
      ? `Invoice ${invoiceNumber} is void: ${options.reason}.`
      : `Invoice ${invoiceNumber} is already void.`,
  );
  if (after.overpaymentCents > 0)
    ctx.print(
      `${formatCents(after.overpaymentCents)} paid on it is held as a credit on matter ${after.matterDisplayNumber} (see \`matterpay alerts\`).`,
    );
}
