import type { Command } from 'commander';
import { ClioConnectRequestRepository } from '../../store/clioConnectRequests';
import { connectedClio } from '../../store/clioConnections';
import { CONNECT_LINK_LIFETIME_MS, mintConnectLink } from '../clio/connect';
import { CommandError, commandAction, type CommandContext } from './context';

/**
 * `matterpay connect clio [--replace]`: mints a single-use sign-in link (15 minutes), prints it, and waits for the
 * admin to sign in to Clio with it. Only someone who can run this command (who reaches the store) can start a
 * connection; `--replace` is needed to move an existing connection to a different Clio account.
 */
export function registerConnectCommand(program: Command): void {
  program
    .command('connect')
    .description('connect matterpay to a vendor account (today: clio)')
    .argument('<vendor>', 'the vendor to connect: clio')
    .option('--replace', 'allow a different Clio account to replace the connected one')
    .option('--no-wait', 'print the sign-in address and return')
    .action(commandAction(connect));
}

async function connect(
  ctx: CommandContext,
  vendor: string,
  options: { wait: boolean; replace?: boolean },
): Promise<number> {
  if (vendor !== 'clio')
    throw new CommandError(
      `cannot connect "${vendor}": only clio uses a sign-in (LawPay and Stripe take keys in the configuration)`,
    );
  const db = await ctx.db();
  const connected = await connectedClio(db, ctx.firmId);
  if (connected) {
    const who = connected.userName ? ` as ${connected.userName}` : '';
    ctx.print(
      options.replace
        ? `Clio is connected for ${ctx.firmId}${who} (${connected.baseUrl}); with --replace, any Clio account you sign in with replaces it.`
        : `Clio is connected for ${ctx.firmId}${who} (${connected.baseUrl}); signing in again with the same account renews the tokens (another account needs --replace).`,
    );
  }
  const link = await mintConnectLink(db, ctx.config.publicBaseUrl, ctx.firmId, { replace: Boolean(options.replace) });
  ctx.print(
    `Open this address in a browser within ${CONNECT_LINK_LIFETIME_MS / 60_000} minutes, sign in to Clio and allow matterpay (it works once):\n  ${link.url}`,
  );
  if (!options.wait) return 0;
  ctx.print('Waiting for Clio to send you back (Ctrl-C to stop waiting)…');
  const requests = new ClioConnectRequestRepository(db);
  const deadline = Date.now() + CONNECT_LINK_LIFETIME_MS + 60_000;
  while (Date.now() < deadline) {
    const outcome = await requests.outcome(link.requestHash);
    if (outcome === 'connected') {
      ctx.print('Clio is connected. Its webhooks are being set up by the ingress.');
      return 0;
    }
    if (outcome === 'refused-other-account') {
      throw new CommandError(
        'Clio was not connected: you signed in with a different Clio account than the connected one. Run `matterpay connect clio --replace` to switch accounts.',
      );
    }
    if (outcome === 'failed')
      throw new CommandError('Clio did not accept the sign-in: run `matterpay connect clio` to try again.');
    await new Promise((r) => setTimeout(r, 2_000));
  }
  throw new CommandError(
    'no Clio sign-in arrived in time: is `npm start` (or `matterpay ingress`) running and reachable at PUBLIC_BASE_URL?',
  );
}
