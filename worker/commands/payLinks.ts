import { Option, type Command } from 'commander';
import { z } from 'zod';
import { InvoiceRepository } from '../../store/invoices';
import { PayLinkRepository, type PayLinkStatus } from '../../store/payLinks';
import { commandAction, CommandError, type CommandContext } from './context';
import { day, iso, money, plural, table } from './format';
import { sentLinksCsv } from './payLinksCsv';
import { jsonOption, PAY_LINK_STATUSES, parseWith, payLinkJson, payLinkUrl } from './shared';

/**
 * `matterpay links [--status]` and `matterpay links cancel <token>` (docs/domain.md §4.4, §8). A cancelled link shows the
 * client a plain "no longer payable" page; the invoice itself stays open.
 */
export function registerPayLinkCommands(program: Command): void {
  const links = program
    .command('links')
    .description(
      'list pay links (invoice, status, created, expires, times opened, URL); `links cancel <token>` cancels one',
    )
    .addOption(new Option('--status <status>', 'only links in this state').choices(PAY_LINK_STATUSES))
    .addOption(
      new Option('--csv', "the sent links as CSV for a spreadsheet (as ClientPay's Sent Pages export)").conflicts(
        'json',
      ),
    )
    .addOption(jsonOption())
    .action(commandAction(listLinks));

  links
    .command('cancel')
    .description('cancel an outstanding pay link, so it can no longer be paid')
    .argument('<token>', "the link's token, or its whole URL (…/pay/<token>)", parseWith(tokenArg))
    .addOption(jsonOption())
    .action(commandAction(cancelLink));
}

/** A token, or a pay-link URL from an email or `matterpay links`, reduced to its token. */
const tokenArg = z
  .string()
  .trim()
  .transform((value) => /\/pay\/([^/?#]+)\/?(?:[?#].*)?$/.exec(value)?.[1] ?? value)
  .pipe(
    z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{8,200}$/,
        'a pay-link token is letters, digits, "-" and "_", as in the link …/pay/<token>',
      ),
  );

async function listLinks(
  ctx: CommandContext,
  options: { status?: PayLinkStatus; json?: boolean; csv?: boolean },
): Promise<void> {
  const db = await ctx.db();
  const links = await new PayLinkRepository(db).list(ctx.firmId, options.status);
  if (options.csv) {
    ctx.print(sentLinksCsv(ctx, links, await new InvoiceRepository(db).list(ctx.firmId)).trimEnd());
    return;
  }
  if (options.json) {
    ctx.printJson({
      firmId: ctx.firmId,
      generatedAt: iso(new Date()),
      filter: { status: options.status ?? null },
      links: links.map((l) => payLinkJson(ctx, l)),
    });
    return;
  }
  if (links.length === 0) {
    ctx.print(`No pay links for ${ctx.firmId}${options.status ? ` with status ${options.status}` : ''}.`);
    return;
  }
  ctx.print(`Pay links of ${ctx.firmId}${options.status ? ` (${options.status})` : ''}, dates in ${ctx.timeZone}:\n`);
  ctx.print(
    table(
      [
        { header: 'Invoice' },
        { header: 'Status' },
        { header: 'Created' },
        { header: 'Expires' },
        { header: 'Opened', align: 'right' },
        { header: 'URL' },
      ],
      links.map((l) => [
        l.invoiceNumber,
        l.status,
        day(l.createdAt, ctx.timeZone),
        day(l.expiresAt, ctx.timeZone),
        String(l.openedCount),
        payLinkUrl(ctx, l.token),
      ]),
    ),
  );
  ctx.print(`\n${plural(links.length, 'link')}.`);
}

async function cancelLink(ctx: CommandContext, token: string, options: { json?: boolean }): Promise<void> {
  const db = await ctx.db();
  const repository = new PayLinkRepository(db);
  // byToken also turns an outstanding link past its expiry into `expired`, as the pay page would.
  const link = await repository.byToken(token);
  if (!link || link.firmId !== ctx.firmId) throw new CommandError(`pay link ${token} not found for firm ${ctx.firmId}`);
  const notOutstanding = (status: string) =>
    new CommandError(
      `the pay link of invoice ${link.invoiceNumber} is already ${status}: only an outstanding link can be cancelled`,
    );
  if (link.status !== 'outstanding') throw notOutstanding(link.status);

  const cancelled = await repository.cancel(ctx.firmId, token);
  if (!cancelled) {
    // Closed between the two statements (paid or cancelled by someone else just now).
    const now = await repository.byToken(token);
    throw notOutstanding(now?.status ?? 'closed');
  }
  const invoice = await new InvoiceRepository(db).get(ctx.firmId, cancelled.invoiceNumber);

  if (options.json) {
    ctx.printJson({
      cancelled: payLinkJson(ctx, cancelled),
      invoice: invoice && {
        invoiceNumber: invoice.invoiceNumber,
        status: invoice.status,
        amountDueCents: invoice.amountDueCents,
      },
    });
    return;
  }
  ctx.print(
    [
      `Cancelled the pay link of invoice ${cancelled.invoiceNumber}: ${payLinkUrl(ctx, token)} no longer takes payments.`,
      invoice
        ? `Invoice ${invoice.invoiceNumber} itself is unchanged: ${invoice.status}, ${money(invoice.amountDueCents)} due.`
        : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );
}
