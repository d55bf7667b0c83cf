import type { FastifyInstance } from 'fastify';
import { createSandboxApp, listen } from '../common/app';
import { keepSandboxStateIn } from '../common/stateFile';
import { installApiGuards } from './apiGuards';
import { LawPayContext } from './context';
import { registerLawPayControlRoutes } from './control';
import { lawPayError, lawPayErrorForStatus } from './errors';
import { registerEventRoutes } from './events';
import { registerHostedPageRoutes } from './hostedPage/routes';
import { registerMerchantRoutes } from './merchant';
import type { LawPaySandboxOptions } from './options';
import { resolveLawPayOptions } from './options';
import type { LawPayState } from './state';
import { registerTransactionRoutes } from './transactions';

export interface LawPaySandbox {
  app: FastifyInstance;
  context: LawPayContext;
  /** Resolves when no webhook delivery or retry is pending. */
  webhooksIdle(): Promise<void>;
}

export interface LawPaySandboxHandle extends LawPaySandbox {
  /** Base URL, e.g. `http://127.0.0.1:8802`; the API is under `${url}/v1`. */
  url: string;
  port: number;
  /** `${url}/pages/<merchantSlug>/<account>` for a hosted page. */
  hostedPageUrl(account: 'operating' | 'trust'): string;
  close(): Promise<void>;
}

/** Builds the LawPay/AffiniPay gateway emulator without listening (see startLawPaySandbox). */
export function createLawPaySandbox(options: LawPaySandboxOptions = {}): LawPaySandbox {
  const context = new LawPayContext(resolveLawPayOptions(options));
  const app = createSandboxApp({ errorBody: (statusCode, message) => lawPayErrorForStatus(statusCode, message) });

  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route !== undefined && !route.startsWith('/__sandbox')) context.requestCounter.record(request.method, route);
  });
  app.addHook('onClose', async () => context.deliverer.close());
  if (options.stateFile)
    keepSandboxStateIn({
      app,
      file: options.stateFile,
      sandbox: 'LawPay',
      read: () => context.state,
      replace: (state: LawPayState) => {
        context.state = state;
      },
    });

  registerLawPayControlRoutes(app, context);
  registerHostedPageRoutes(app, context);
  void app.register(async (api) => {
    installApiGuards(api, context);
    registerMerchantRoutes(api, context.merchant);
    registerTransactionRoutes(api, context);
    registerEventRoutes(api, context);
  });
  app.setNotFoundHandler(async (request) => {
    throw lawPayError(404, 'not_found', `No route matches ${request.method} ${request.url}`);
  });

  return { app, context, webhooksIdle: () => context.deliverer.whenIdle() };
}

/** Starts the LawPay sandbox on `host:port` (defaults 127.0.0.1:8802; port 0 = any free port). */
export async function startLawPaySandbox(options: LawPaySandboxOptions = {}): Promise<LawPaySandboxHandle> {
  const sandbox = createLawPaySandbox(options);
  const resolved = sandbox.context.options;
  const { url, port } = await listen(sandbox.app, resolved.host, resolved.port);
  return {
    ...sandbox,
    url,
    port,
    hostedPageUrl: (account) => `${url}/pages/${encodeURIComponent(resolved.merchantSlug)}/${account}`,
    close: () => sandbox.app.close(),
  };
}
