import type { Command } from 'commander';
import { z } from 'zod';
import { WritebackRepository, type Writeback } from '../../store/writebacks';
import { commandAction, CommandError, type CommandContext } from './context';
import { dateTime, table } from './format';
import { jsonOption, parseWith } from './shared';

/**
 * `matterpay writebacks` lists the write-back queue to the practice system (notes, the matter reference, the review
 * flag); `matterpay writebacks retry [<id>]` puts dead-lettered ones (refused by the practice system) back in it,
 * after the cause was fixed. The worker's drain picks them up within a minute.
 */
export function registerWritebackCommands(program: Command): void {
  const writebacks = program
    .command('writebacks')
    .description('the queue of notes and other write-backs to the practice system')
    .option('--state <state>', 'pending, done or dead (default: pending and dead)', parseWith(stateArg))
    .addOption(jsonOption())
    .action(commandAction(list));
  writebacks
    .command('retry')
    .description('queue dead-lettered write-backs again (all of them, or one by id)')
    .argument('[id]', 'the write-back id from `matterpay writebacks`', parseWith(idArg))
    .addOption(jsonOption())
    .action(commandAction(retry));
}

const stateArg = z.enum(['pending', 'done', 'dead']);
const idArg = z
  .string()
  .regex(/^[1-9]\d{0,17}$/, 'must be a write-back id (a whole number, as `matterpay writebacks` lists it)')
  .transform(Number);

async function list(ctx: CommandContext, options: { state?: Writeback['state']; json?: boolean }): Promise<void> {
  const repo = new WritebackRepository(await ctx.db());
  const rows = options.state
    ? await repo.list(ctx.firmId, { state: options.state })
    : [
        ...(await repo.list(ctx.firmId, { state: 'pending' })),
        ...(await repo.list(ctx.firmId, { state: 'dead' })),
      ].sort((a, b) => a.id - b.id);
  if (options.json) {
    ctx.printJson(
      rows.map((w) => ({
        id: w.id,
        key: w.idempotencyKey,
        matterId: w.matterId,
        kind: w.payload.kind,
        state: w.state,
        attempts: w.attempts,
        nextAttemptAt: w.nextAttemptAt.toISOString(),
        lastError: w.lastError,
        createdAt: w.createdAt.toISOString(),
      })),
    );
    return;
  }
  if (rows.length === 0) {
    ctx.print(`No ${options.state ?? 'pending or dead'} write-backs for ${ctx.firmId}.`);
    return;
  }
  ctx.print(
    table(
      [
        { header: 'id' },
        { header: 'state' },
        { header: 'kind' },
        { header: 'matter' },
        { header: 'attempts' },
        { header: 'queued' },
        { header: 'last error' },
      ],
      rows.map((w) => [
        String(w.id),
        w.state,
        w.payload.kind,
        w.matterId,
        String(w.attempts),
        dateTime(w.createdAt, ctx.timeZone),
        w.lastError ?? '',
      ]),
    ),
  );
}

async function retry(ctx: CommandContext, id: number | undefined, options: { json?: boolean }): Promise<void> {
  const count = await new WritebackRepository(await ctx.db()).retryDead(ctx.firmId, id ?? null);
  if (id !== undefined && count === 0)
    throw new CommandError(`write-back ${id} is not dead-lettered (see \`matterpay writebacks --state dead\`)`);
  if (options.json) {
    ctx.printJson({ requeued: count });
    return;
  }
  ctx.print(
    count === 0
      ? 'No dead-lettered write-backs.'
      : `Queued ${count} write-back${count === 1 ? '' : 's'} again; the worker writes ${count === 1 ? 'it' : 'them'} within a minute.`,
  );
}
