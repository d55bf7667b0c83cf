import type { Command } from 'commander';

/**
 * The admin commands that read and steer invoices (docs/architecture.md §8). Each connects only to what it needs, on first use.
 *
 * A command's module (and what it imports: the store, the Temporal client, the mailer) loads only when that command
 * runs: `matterpay invoices --json` must not pay for `@temporalio/client` or nodemailer. Help and an unknown name
 * register every module, so the listing stays complete.
 */
type Register = (program: Command) => void;

const modules: ReadonlyArray<{ names: readonly string[]; load: () => Register }> = [
  {
    names: ['invoices', 'invoice'],
    load: () => (require('./invoices') as typeof import('./invoices')).registerInvoiceCommands,
  },
  { names: ['approve'], load: () => (require('./approve') as typeof import('./approve')).registerApproveCommand },
  { names: ['aging'], load: () => (require('./aging') as typeof import('./aging')).registerAgingCommand },
  { names: ['alerts'], load: () => (require('./alerts') as typeof import('./alerts')).registerAlertsCommand },
  { names: ['links'], load: () => (require('./payLinks') as typeof import('./payLinks')).registerPayLinkCommands },
  {
    names: ['backfill', 'link'],
    load: () => (require('./backfill') as typeof import('./backfill')).registerLookupTableCommands,
  },
  {
    names: ['trust-report'],
    load: () => (require('./trustReport') as typeof import('./trustReport')).registerTrustReportCommand,
  },
  {
    names: ['trust'],
    load: () => (require('./trustDraws') as typeof import('./trustDraws')).registerTrustDrawCommands,
  },
  {
    names: ['trust-statements'],
    load: () => (require('./trustStatements') as typeof import('./trustStatements')).registerTrustStatementsCommand,
  },
  { names: ['sweep'], load: () => (require('./sweep') as typeof import('./sweep')).registerSweepCommand },
  { names: ['connect'], load: () => (require('./connect') as typeof import('./connect')).registerConnectCommand },
  { names: ['bill'], load: () => (require('./bill') as typeof import('./bill')).registerBillCommand },
  { names: ['send-csv'], load: () => (require('./sendCsv') as typeof import('./sendCsv')).registerSendCsvCommand },
  { names: ['void'], load: () => (require('./void') as typeof import('./void')).registerVoidCommand },
  {
    names: ['writebacks'],
    load: () => (require('./writebacks') as typeof import('./writebacks')).registerWritebackCommands,
  },
  {
    names: ['quick-link'],
    load: () => (require('./quickLink') as typeof import('./quickLink')).registerQuickLinkCommand,
  },
];

/**
 * Registers the admin commands on `program`. With `commandName` (the first word after `matterpay`), only the module
 * that defines it loads; without one, or for a name no module defines, all of them do.
 */
export function registerAdminCommands(program: Command, commandName?: string): void {
  const owner = commandName ? modules.find((m) => m.names.includes(commandName)) : undefined;
  for (const module of owner ? [owner] : modules) module.load()(program);
}

/** The command word of an argv (`node matterpay invoices --json` → `invoices`); undefined for global flags alone. */
export function commandWordOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((arg) => !arg.startsWith('-'));
}
