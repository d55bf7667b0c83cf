import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { z } from 'zod';
import { billingPeriod } from '../../domain/dates';
import { formatCents } from '../../domain/money';
import {
  amountValue,
  calendarDate,
  customMessageValue,
  invoiceNumberValue,
  recipientEmailValue,
  recipientNameValue,
} from '../csv/invoiceCsv';
import { commandAction, type CommandContext } from './context';
import { resolveMatter } from './matterArg';
import { draftInvoicesOfRecord, startInvoiceWorkflows, waitForIssuedLinks } from './manualInvoices';
import { jsonOption, parseWith } from './shared';

/**
 * `matterpay quick-link`: a one-off payment request for an amount (an old balance, a final collection), as
 * ClientPay's quick links. It is an invoice of record like a `send-csv` row: a number, a workflow, trust first,
 * reminders; the client gets the invoice page's link by email unless `--no-email`.
 */
export function registerQuickLinkCommand(program: Command): void {
  program
    .command('quick-link')
    .description(
      'request a payment for an amount on a matter: an invoice of record with its pay link, emailed unless --no-email',
    )
    .requiredOption('--matter <matter>', 'the matter (its id or display number)')
    .requiredOption('--amount <dollars>', 'the amount, such as 250.00', parseWith(amountValue))
    .option(
      '--invoice-number <number>',
      'its own invoice number (default: <matter display number>-<sequence>)',
      parseWith(invoiceNumberValue),
    )
    .option(
      '--description <text>',
      'what it is for (default: "Payment request")',
      parseWith(z.string().trim().min(1).max(500)),
    )
    .option(
      '--due <date>',
      'due date, YYYY-MM-DD or MM/DD/YYYY (default: PAYMENT_TERMS from today)',
      parseWith(calendarDate),
    )
    .option(
      '--email <address>',
      "send it here instead of the client's email in the practice system",
      parseWith(recipientEmailValue),
    )
    .option('--name <name>', "who it is addressed to (default: the matter's client)", parseWith(recipientNameValue))
    .option(
      '--message <text>',
      'a message in the email and on the page (default: EMAIL_MESSAGE)',
      parseWith(customMessageValue),
    )
    .option('--no-email', 'email nothing: print the pay link for the firm to send')
    .addOption(jsonOption())
    .action(commandAction(quickLink));
}

interface QuickLinkOptions {
  matter: string;
  amount: number;
  invoiceNumber?: string;
  description?: string;
  due?: string;
  email?: string | false;
  name?: string;
  message?: string;
  json?: boolean;
}

async function quickLink(ctx: CommandContext, options: QuickLinkOptions): Promise<void> {
  const db = await ctx.db();
  const matter = await resolveMatter(db, ctx.firmId, options.matter.trim());
  const sendEmail = options.email !== false;
  const drafted = await draftInvoicesOfRecord(ctx, db, {
    linePrefix: null,
    requests: [
      {
        matter,
        lineKey: `quick:${options.invoiceNumber ?? randomUUID()}`,
        description: options.description ?? 'Payment request',
        amountCents: options.amount,
        period: billingPeriod(Date.now(), ctx.timeZone),
        invoiceNumber: options.invoiceNumber ?? null,
        invoiceDate: null,
        dueDate: options.due ?? null,
        recipientName: options.name ?? null,
        recipientEmail: typeof options.email === 'string' ? options.email : null,
        customMessage: options.message ?? null,
        sendEmail,
      },
    ],
  });
  const number = drafted.numbers[0]!;
  await startInvoiceWorkflows(ctx, db, [number], { progress: false });
  const [link] = await waitForIssuedLinks(ctx, db, [number]);
  if (options.json) {
    ctx.printJson({
      invoiceNumber: number,
      matter: matter.matterDisplayNumber,
      amountCents: options.amount,
      amountDueCents: link!.amountDueCents,
      dueDate: link!.dueDate,
      url: link!.url,
      emailed: sendEmail,
    });
    return;
  }
  ctx.print(
    [
      `Invoice ${number} on matter ${matter.matterDisplayNumber} for ${formatCents(options.amount)}${link!.dueDate ? `, due ${link!.dueDate}` : ''}.`,
      link!.url
        ? `Pay link (asks for ${formatCents(link!.amountDueCents)} after trust): ${link!.url}`
        : 'Trust paid it in full: there is nothing to ask the client for.',
      link!.url
        ? sendEmail
          ? 'Emailed to the client, with reminders like any invoice.'
          : 'Nothing was emailed: send the link yourself.'
        : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );
}
