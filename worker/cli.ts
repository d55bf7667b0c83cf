import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from './config';
import type { StackParts } from './stack';
import { commandWordOf, registerAdminCommands } from './commands';

/**
 * The `matterpay` command line (docs/architecture.md §8). Human output by default, `--json` for scripts. Every command reads the
 * same validated configuration, so a bad variable fails here with a message that names it.
 */
const program = new Command('matterpay')
  .description('Durable billing-to-cash worker for law firms')
  .showHelpAfterError()
  // `links cancel <t> --json` and `writebacks retry --json`: an option after a subcommand belongs to the subcommand.
  .enablePositionalOptions();

program
  .command('start')
  .description(
    'run the whole stack: Temporal dev server, PostgreSQL, sandboxes, worker and ingress (what `npm start` runs)',
  )
  .action(() => runService({ worker: true, ingress: true, embedded: true }));

program
  .command('worker')
  .description('run only the Temporal worker (needs TEMPORAL_ADDRESS and DATABASE_URL)')
  .action(() => runService({ worker: true, ingress: false, embedded: false }));

program
  .command('ingress')
  .description('run only the HTTP ingress: webhooks, pay links, health (needs TEMPORAL_ADDRESS and DATABASE_URL)')
  .action(() => runService({ worker: false, ingress: true, embedded: false }));

registerAdminCommands(program, commandWordOf(process.argv));

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

async function runService(parts: StackParts): Promise<void> {
  const config = readConfig();
  // Loaded here, not at the top: the admin commands start without the worker, ingress, engine code and logger.
  const { createLogger } = require('./logger') as typeof import('./logger');
  const { printBanner } = require('./banner') as typeof import('./banner');
  const { startStack } = require('./stack') as typeof import('./stack');
  const logger = createLogger(config.LOG_LEVEL);
  const startedAt = Date.now();
  const stack = await startStack(config, logger, parts).catch((err: unknown) => {
    const reason = err instanceof Error ? err.message : String(err);
    logger.fatal({ err: reason }, 'matterpay could not start');
    process.exit(1);
  });
  printBanner(config, stack, Date.now() - startedAt);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping matterpay');
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`matterpay: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
