/**
 * Starts both sandboxes on their default ports: `node bin/run-ts.js sandbox/run.ts`.
 * Ports can be moved with CLIO_SANDBOX_PORT / LAWPAY_SANDBOX_PORT.
 */
import { CLIO_DEFAULT_PORT, LAWPAY_DEFAULT_PORT, startClioSandbox, startLawPaySandbox } from './index';

function portFrom(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${variable} must be a TCP port, got "${raw}"`);
  return port;
}

async function main(): Promise<void> {
  const clio = await startClioSandbox({ port: portFrom('CLIO_SANDBOX_PORT', CLIO_DEFAULT_PORT) });
  const lawpay = await startLawPaySandbox({ port: portFrom('LAWPAY_SANDBOX_PORT', LAWPAY_DEFAULT_PORT) });
  const clioOptions = clio.context.options;
  const lawpayOptions = lawpay.context.options;
  console.log(
    `Clio sandbox    ${clio.url}/api/v4   OAuth client ${clioOptions.clientId} / ${clioOptions.clientSecret}`,
  );
  console.log(`                ${clio.url}/__sandbox/state`);
  console.log(`LawPay sandbox  ${lawpay.url}/v1   secret key ${lawpayOptions.secretKey}`);
  console.log(
    `                ${lawpay.hostedPageUrl('operating')}?amount=25000&reference=INV-1&readOnlyFields=reference,amount`,
  );
  console.log(`                ${lawpay.url}/__sandbox/state`);

  const shutdown = (): void => {
    void Promise.all([clio.close(), lawpay.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

// An entry point only (bin/run-ts.js requires it, so `require.main === module` would be false here).
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
