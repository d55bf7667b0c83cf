import fs from 'node:fs';
import path from 'node:path';
import { startClioSandbox, startLawPaySandbox } from '../../sandbox';
import { CLIO_REGION_HOSTS } from '../../connectors';
import type { Config } from '../config';
import type { VendorEndpoints } from '../firms';

export interface SandboxSet {
  endpoints: VendorEndpoints;
  clioSandboxUrl: string | null;
  /** The Clio-style sandbox had no records to carry on from (its state file was missing): it knows no connection. */
  clioSandboxIsNew: boolean;
  lawPaySandboxUrl: string | null;
  /** Tells the LawPay-style sandbox where to deliver its webhooks (its control surface; real LawPay is set up by support). */
  registerLawPayWebhook(url: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Real vendors when their credentials are configured, otherwise the faithful local sandboxes (docs/architecture.md §6), so a
 * newcomer runs everything with no credentials at all.
 */
export async function startSandboxesWhereNeeded(config: Config, options: { allowed: boolean }): Promise<SandboxSet> {
  const refuse = (missing: string) => {
    throw new Error(
      `${missing} is not set: only \`matterpay start\` falls back to the sandboxes; a production worker or ingress needs the real credentials`,
    );
  };
  const stops: Array<() => Promise<void>> = [];
  let clioSandboxUrl: string | null = null;
  let clioSandboxIsNew = false;
  let lawPaySandboxUrl: string | null = null;

  let clio: VendorEndpoints['clio'];
  if (config.CLIO_CLIENT_ID && config.CLIO_CLIENT_SECRET) {
    clio = {
      clientId: config.CLIO_CLIENT_ID,
      clientSecret: config.CLIO_CLIENT_SECRET,
      baseUrl: config.CLIO_BASE_URL ?? CLIO_REGION_HOSTS[config.CLIO_REGION],
    };
  } else {
    if (!options.allowed) refuse('CLIO_CLIENT_ID');
    const stateFile = path.join(config.dataDir, 'sandboxes', 'clio.json');
    clioSandboxIsNew = !fs.existsSync(stateFile);
    const sandbox = await startClioSandbox({
      port: config.SANDBOX_CLIO_PORT,
      webhookRetryBaseMs: config.SANDBOX_WEBHOOK_RETRY_BASE,
      stateFile,
    });
    stops.push(() => sandbox.close());
    clioSandboxUrl = sandbox.url;
    clio = { clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', baseUrl: sandbox.url };
  }

  let lawpay: VendorEndpoints['lawpay'] = null;
  if (config.LAWPAY_SECRET_KEY && config.LAWPAY_PAYMENT_PAGE_URL) {
    lawpay = {
      apiUrl: config.LAWPAY_API_URL,
      secretKey: config.LAWPAY_SECRET_KEY,
      paymentPageUrl: config.LAWPAY_PAYMENT_PAGE_URL,
    };
  } else if (config.PROCESSOR === 'lawpay') {
    if (!options.allowed) refuse('LAWPAY_SECRET_KEY');
    const sandbox = await startLawPaySandbox({
      port: config.SANDBOX_LAWPAY_PORT,
      webhookRetryBaseMs: config.SANDBOX_WEBHOOK_RETRY_BASE,
      stateFile: path.join(config.dataDir, 'sandboxes', 'lawpay.json'),
    });
    stops.push(() => sandbox.close());
    lawPaySandboxUrl = sandbox.url;
    lawpay = {
      apiUrl: sandbox.url,
      secretKey: 'sandbox_secret_key',
      paymentPageUrl: sandbox.hostedPageUrl('operating'),
    };
  }

  const stripe: VendorEndpoints['stripe'] =
    config.STRIPE_SECRET_KEY && config.STRIPE_WEBHOOK_SECRET && config.STRIPE_ACCOUNT
      ? {
          secretKey: config.STRIPE_SECRET_KEY,
          webhookSecret: config.STRIPE_WEBHOOK_SECRET,
          connectedAccount: config.STRIPE_ACCOUNT,
        }
      : null;

  return {
    endpoints: { clio, lawpay, stripe },
    clioSandboxUrl,
    clioSandboxIsNew,
    lawPaySandboxUrl,
    async registerLawPayWebhook(url: string) {
      if (!lawPaySandboxUrl) return;
      const response = await fetch(`${lawPaySandboxUrl}/__sandbox/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url }),
      });
      if (!response.ok) throw new Error(`the LawPay sandbox refused the webhook URL: HTTP ${response.status}`);
    },
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
