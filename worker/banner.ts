import type { Config } from './config';
import type { RunningStack } from './stack';
import { redactPassword } from './redactUrl';

/** The short start-up banner: where everything is, so a new user can open the UI without reading logs. */
export function printBanner(config: Config, stack: RunningStack, startupMs: number): void {
  const rows: Array<[string, string]> = [
    ['Temporal', stack.temporalAddress + (config.TEMPORAL_ADDRESS ? '' : ' (embedded dev server)')],
  ];
  if (stack.temporalUiUrl) rows.push(['Temporal Web UI', stack.temporalUiUrl]);
  rows.push(['PostgreSQL', redactPassword(stack.databaseUrl) + (config.DATABASE_URL ? '' : ' (embedded)')]);
  if (stack.ingressUrl) {
    rows.push([
      'Ingress',
      `${stack.ingressUrl}  (health: ${stack.ingressUrl}/healthz, ready: ${stack.ingressUrl}/readyz)`,
    ]);
    rows.push(['Pay links', `${config.publicBaseUrl}/pay/<token>`]);
  }
  if (stack.clioSandboxUrl)
    rows.push(['Clio sandbox', `${stack.clioSandboxUrl}  (control: ${stack.clioSandboxUrl}/__sandbox/state)`]);
  if (stack.lawPaySandboxUrl)
    rows.push(['LawPay sandbox', `${stack.lawPaySandboxUrl}  (control: ${stack.lawPaySandboxUrl}/__sandbox/state)`]);
  if (stack.outboxDir) rows.push(['Outbox (email)', stack.outboxDir]);
  rows.push(['Firm', `${config.FIRM_ID} (${config.FIRM_TIMEZONE})`]);
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS)
    rows.push(['Data', `${config.dataDir} (delete it to start over)`]);
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = [
    '',
    `matterpay is running (started in ${(startupMs / 1000).toFixed(1)} s). Ctrl-C stops everything.`,
    ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
