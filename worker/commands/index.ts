import type { Command } from 'commander';
import { registerAgingCommand } from './aging';
import { registerAlertsCommand } from './alerts';
import { registerApproveCommand } from './approve';
import { registerLookupTableCommands } from './backfill';
import { registerInvoiceCommands } from './invoices';
import { registerLinkCommands } from './links';
import { registerBillCommand } from './bill';
import { registerQuickLinkCommand } from './quickLink';
import { registerSendCsvCommand } from './sendCsv';
import { registerConnectCommand } from './connect';
import { registerSweepCommand } from './sweep';
import { registerTrustDrawCommands } from './trustDraws';
import { registerTrustReportCommand } from './trustReport';
import { registerVoidCommand } from './void';
import { registerWritebackCommands } from './writebacks';
import { registerTrustStatementsCommand } from './trustStatements';

/** The admin commands that read and steer invoices (docs/architecture.md §8). Each connects only to what it needs, on first use. */
export function registerAdminCommands(program: Command): void {
  registerInvoiceCommands(program);
  registerApproveCommand(program);
  registerAgingCommand(program);
  registerAlertsCommand(program);
  registerLinkCommands(program);
  registerLookupTableCommands(program);
  registerTrustReportCommand(program);
  registerTrustDrawCommands(program);
  registerTrustStatementsCommand(program);
  registerSweepCommand(program);
  registerConnectCommand(program);
  registerBillCommand(program);
  registerSendCsvCommand(program);
  registerVoidCommand(program);
  registerWritebackCommands(program);
  registerQuickLinkCommand(program);
}
