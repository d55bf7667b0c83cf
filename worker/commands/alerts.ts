import type { Command } from 'commander';
import { AlertRepository } from '../../store/alerts';
import { commandAction, type CommandContext } from './context';
import { dateTime, table } from './format';
import { jsonOption } from './shared';

/** `matterpay alerts`: what needs a person: parked payments, held deliveries, trust draws to reverse. */
export function registerAlertsCommand(program: Command): void {
  program
    .command('alerts')
    .description('open alerts: payments parked for an unknown reference, deliveries held, trust draws to reverse')
    .addOption(jsonOption())
    .action(commandAction(alerts));
}

async function alerts(ctx: CommandContext, options: { json?: boolean }): Promise<void> {
  const open = await new AlertRepository(await ctx.db()).open(ctx.firmId);
  if (options.json) {
    ctx.printJson(
      open.map((a) => ({ kind: a.kind, subject: a.subject, message: a.message, createdAt: a.createdAt.toISOString() })),
    );
    return;
  }
  if (open.length === 0) {
    ctx.print(`No open alerts for ${ctx.firmId}.`);
    return;
  }
  ctx.print(`Open alerts for ${ctx.firmId}, oldest first:`);
  ctx.print(
    table(
      [{ header: 'since' }, { header: 'kind' }, { header: 'about' }, { header: 'what to do' }],
      open.map((a) => [dateTime(a.createdAt, ctx.timeZone), a.kind, a.subject, a.message]),
    ),
  );
}
