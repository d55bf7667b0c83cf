import { Option, type Command } from 'commander';
import { z } from 'zod';
import { wakeParkedActivities } from '../../activities/wakeParked';
import type { Db } from '../../store/db';
import { InvoiceRepository } from '../../store/invoices';
import { MatterLinkRepository, type MatterLink } from '../../store/matterLinks';
import { commandAction, CommandError, firstLine, type CommandContext } from './context';
import { plural } from './format';
import { resolveMatter, type ResolvedMatter } from './matterArg';
import { jsonOption, parseWith } from './shared';

/**
 * `matterpay link <reference> <matter> [--processor]` (docs/domain.md §4.6, §8): maps a reference that payments carry (a
 * legacy matter code, a client's own reference) to a matter in the lookup table, then wakes the parked payments so
 * those carrying it are matched at once.
 *
 * Money follows these rows, so the command never moves a reference that is already mapped: a mapping to another
 * matter (for any processor) is refused with the matter it points to. Mapping a reference again to the same matter
 * changes nothing (and still wakes parked payments, so a run that could not reach Temporal can be repeated).
 */
export function registerLinkCommand(program: Command): void {
  program
    .command('link')
    .description(
      'map a payment reference to a matter in the lookup table, then retry the parked payments that carry it',
    )
    .argument(
      '<reference>',
      'the reference payments carry, as the processor shows it (e.g. a legacy matter code)',
      parseWith(referenceArg),
    )
    .argument(
      '<matter>',
      'the matter: its display number (00042-Smith) or its practice-system id; `id:<id>` or `number:<display number>` when both could match',
    )
    .addOption(
      new Option('--processor <processor>', 'only for payments from this processor')
        .choices(['lawpay', 'stripe', 'any'])
        .default('any'),
    )
    .addOption(jsonOption())
    .action(commandAction(link));
}

const referenceArg = z
  .string()
  .trim()
  .min(1, 'a reference must not be empty')
  .max(255, 'a reference is at most 255 characters');

type Processor = MatterLink['processor'];

async function link(
  ctx: CommandContext,
  reference: string,
  matterArg: string,
  options: { processor: Processor; json?: boolean },
): Promise<number> {
  const db = await ctx.db();
  const matter = await resolveMatter(db, ctx.firmId, matterArg.trim());
  const processor = options.processor;
  const label = (m: ResolvedMatter) => `${m.matterDisplayNumber} (id ${m.practiceMatterId})`;

  // A reference that is one of matterpay's own invoice numbers already leads to its invoice, before any mapping.
  const invoice = await new InvoiceRepository(db).get(ctx.firmId, reference);
  if (invoice && invoice.matterId !== matter.practiceMatterId) {
    throw new CommandError(
      `"${reference}" is matterpay's invoice ${invoice.invoiceNumber} on matter ${invoice.matterDisplayNumber} (id ${invoice.matterId}): payments carrying it are applied to that invoice, so it cannot be mapped to matter ${label(matter)}`,
    );
  }

  const lookupTable = new MatterLinkRepository(db);
  const mappedElsewhere = async () =>
    (await lookupTable.forReference(ctx.firmId, reference)).filter(
      (row) => row.practiceMatterId !== matter.practiceMatterId,
    );
  const conflicts = await mappedElsewhere();
  if (conflicts.length > 0) throw refusal(reference, conflicts, matter);

  const added = await lookupTable.add(ctx.firmId, {
    processor,
    externalReference: reference,
    practiceMatterId: matter.practiceMatterId,
    matterDisplayNumber: matter.matterDisplayNumber,
    source: 'admin',
  });
  if (!added) {
    // Someone else mapped it between our check and our insert: report what is there now.
    const now = await mappedElsewhere();
    if (now.length > 0) throw refusal(reference, now, matter);
  }

  let woken: number | null = null;
  let wakeError: string | null = null;
  try {
    woken = await wakeParkedPayments(ctx, db);
  } catch (err) {
    const explained = ctx.explainFailure(err);
    wakeError = explained instanceof CommandError ? explained.message : firstLine(explained);
  }

  if (options.json) {
    ctx.printJson({
      firmId: ctx.firmId,
      reference,
      processor,
      practiceMatterId: matter.practiceMatterId,
      matterDisplayNumber: matter.matterDisplayNumber,
      added,
      parkedPaymentsWoken: woken,
      error: wakeError,
    });
  } else {
    const scope = processor === 'any' ? 'from any processor' : `from ${processor}`;
    ctx.print(
      added
        ? `Mapped "${reference}" to matter ${label(matter)}: payments ${scope} carrying it now go to that matter.`
        : `"${reference}" was already mapped to matter ${label(matter)}; nothing changed.`,
    );
    if (woken !== null)
      ctx.print(`Woke ${plural(woken, 'parked payment')} to retry ${woken === 1 ? 'its' : 'their'} match.`);
  }
  if (wakeError) {
    process.stderr.write(
      `The mapping is saved, but parked payments were not woken: ${wakeError}. Run the same command again to wake them (it never maps twice).\n`,
    );
    return 1;
  }
  return 0;
}

function refusal(reference: string, existing: MatterLink[], wanted: ResolvedMatter): CommandError {
  const where = existing
    .map(
      (row) =>
        `matter ${row.matterDisplayNumber} (id ${row.practiceMatterId}; ${row.processor === 'any' ? 'any processor' : row.processor}, added by ${row.source})`,
    )
    .join(' and ');
  return new CommandError(
    `"${reference}" is already mapped to ${where}: matterpay never moves a mapping that payments may have followed, so it was not mapped to ${wanted.matterDisplayNumber}. ` +
      'If the existing mapping is wrong, correct it in the database deliberately (and check the payments applied through it).',
  );
}

/**
 * The same wake-up the backfill workflow ends with (activities/wakeParked.ts): every running payment workflow of
 * the firm in `ReconcileState = 'unmatched'` gets the `retryMatch` signal. The activity is called here as a plain
 * function over this command's connections; it needs nothing from a firm's vendor connections.
 */
async function wakeParkedPayments(ctx: CommandContext, db: Db): Promise<number> {
  const client = await ctx.temporal();
  const { wakeParkedPayments: wake } = wakeParkedActivities({
    db,
    temporal: { client, taskQueue: ctx.config.TEMPORAL_TASK_QUEUE },
    firm: () => {
      throw new Error('waking parked payments needs no vendor connection');
    },
  });
  try {
    return await client.withDeadline(Date.now() + 30_000, () => wake({ firmId: ctx.firmId }));
  } catch (err) {
    // The wake-up reads the store too: a store that went away is named as such (explainFailure), not as Temporal.
    if (ctx.explainFailure(err) !== err) throw err;
    throw new CommandError(`cannot reach Temporal at ${ctx.temporalAddress} (${firstLine(err)})`);
  }
}
