import type { Command } from 'commander';
import { CommandError, commandAction, type CommandContext } from './context';

/**
 * `matterpay connect clio`: the admin opens the printed address, signs in to Clio and allows matterpay; the ingress
 * stores the tokens (sealed) and subscribes the webhooks. The command waits until the connection appears.
 */
export function registerConnectCommand(program: Command): void {
  program.command('connect')
    .description('connect matterpay to a vendor account (today: clio)')
    .argument('<vendor>', 'the vendor to connect: clio')
    .option('--no-wait', 'print the sign-in address and return')
    .action(commandAction(connect));
}

async function connect(ctx: CommandContext, vendor: string, options: { wait: boolean }): Promise<number> {
  if (vendor !== 'clio') throw new CommandError(`cannot connect "${vendor}": only clio uses a sign-in (LawPay and Stripe take keys in the configuration)`);
  const db = await ctx.db();
  // Reading the row needs no key: only whether it exists and when it was made.
  const existing = await db.query('SELECT connected_at, base_url FROM clio_connections WHERE firm_id = $1', [ctx.firmId]);
  const url = `${ctx.config.publicBaseUrl}/oauth/clio/start?firm=${encodeURIComponent(ctx.firmId)}`;
  if (existing.rows[0]) ctx.print(`Clio is already connected for ${ctx.firmId} (${existing.rows[0].base_url}); signing in again replaces the tokens.`);
  ctx.print(`Open this address in a browser, sign in to Clio and allow matterpay:\n  ${url}`);
  if (!options.wait) return 0;
  ctx.print('Waiting for Clio to send you back (Ctrl-C to stop waiting)…');
  const since = existing.rows[0]?.connected_at as Date | undefined;
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    const { rows } = await db.query('SELECT refreshed_at FROM clio_connections WHERE firm_id = $1', [ctx.firmId]);
    if (rows[0] && (!since || (rows[0].refreshed_at as Date) > since)) {
      ctx.print('Clio is connected. Its webhooks are being set up by the ingress.');
      return 0;
    }
    await new Promise((r) => setTimeout(r, 2_000));
  }
  throw new CommandError('no Clio sign-in arrived within 15 minutes: is `npm start` (or `matterpay ingress`) running and reachable at PUBLIC_BASE_URL?');
}
