import type { Command } from 'commander';
import { decideTrustDrawByAdmin } from '../../activities/trustAdmin';
import { TrustDrawRepository, type TrustDraw } from '../../store/trustDraws';
import { CommandError, commandAction, type CommandContext } from './context';
import { dateTime, iso, money } from './format';
import { jsonOption, parseWith } from './shared';
import { drawIdArg, personArg } from './trustArgs';

/**
 * `matterpay trust confirm|reverse <draw> --by <name>` (docs/domain.md §4.3, §8): an admin's word on a trust draw the
 * ledger cannot settle, recorded with who and when. Confirming says the practice system shows the withdrawal;
 * reversing says the draw did not happen, so it stops counting against the matter's available trust.
 */
export function registerTrustDrawCommands(program: Command): void {
  const trust = program
    .command('trust')
    .description('confirm or reverse a trust draw by hand, recorded with who and when');
  for (const action of ['confirm', 'reverse'] as const) {
    trust
      .command(action)
      .description(
        action === 'confirm'
          ? 'mark a recorded draw as posted in the practice system (when no ledger entry can confirm it)'
          : "mark a draw as not taken from trust: it no longer counts against the matter's trust",
      )
      .argument('<draw>', 'the draw number', parseWith(drawIdArg))
      .requiredOption('--by <name>', 'who is doing this (recorded)', parseWith(personArg))
      .addOption(jsonOption())
      .action(
        commandAction((ctx: CommandContext, drawId: number, options: { by: string; json?: boolean }) =>
          changeDraw(ctx, action, drawId, options),
        ),
      );
  }
}

async function changeDraw(
  ctx: CommandContext,
  action: 'confirm' | 'reverse',
  drawId: number,
  options: { by: string; json?: boolean },
): Promise<void> {
  const db = await ctx.db();
  const draws = new TrustDrawRepository(db);
  const found = await draws.get(ctx.firmId, drawId);
  if (!found)
    throw new CommandError(`no trust draw ${drawId} for ${ctx.firmId}: see \`matterpay trust-report --json\``);
  const changed = await decideTrustDrawByAdmin(db, { firmId: ctx.firmId, draw: found, action, by: options.by });
  const after = (await draws.get(ctx.firmId, drawId))!;
  if (!changed) throw new CommandError(`draw ${drawId} is ${describe(after, ctx.timeZone)}: nothing to ${action}`);
  if (options.json) return ctx.printJson(drawJson(after));
  ctx.print(
    `Draw ${drawId} (${money(after.amountCents)} for invoice ${after.invoiceNumber}) is now ${describe(after, ctx.timeZone)}.`,
  );
  if (action === 'reverse') {
    ctx.print(
      `The invoice's trust applied is unchanged: void and re-issue invoice ${after.invoiceNumber} if the client must now pay that part.`,
    );
  }
}

function describe(draw: TrustDraw, timeZone: string): string {
  if (draw.state === 'reversed')
    return `reversed by ${draw.reversedBy ?? 'matterpay'} at ${dateTime(draw.reversedAt, timeZone)}`;
  if (draw.state === 'confirmed') {
    return draw.ledgerEntryId
      ? `confirmed by ledger entry ${draw.ledgerEntryId} (${draw.ledgerEntryDate})`
      : `confirmed by ${draw.confirmedBy} at ${dateTime(draw.confirmedAt, timeZone)}`;
  }
  return "recorded (not yet in the practice system's ledger)";
}

export function drawJson(draw: TrustDraw) {
  return {
    drawId: draw.id,
    matterId: draw.matterId,
    invoiceNumber: draw.invoiceNumber,
    amountCents: draw.amountCents,
    state: draw.state,
    recordedAt: iso(draw.recordedAt),
    confirmedAt: iso(draw.confirmedAt),
    confirmedBy: draw.confirmedBy,
    ledgerEntryId: draw.ledgerEntryId,
    ledgerEntryDate: draw.ledgerEntryDate,
    reversedAt: iso(draw.reversedAt),
    reversedBy: draw.reversedBy,
  };
}
