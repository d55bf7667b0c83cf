import type { FastifyInstance } from 'fastify';
import { createSandboxApp, listen } from '../common/app';
import { keepSandboxStateIn } from '../common/stateFile';
import { installApiGuards } from './apiGuards';
import { ClioContext } from './context';
import { registerClioControlRoutes } from './control';
import { clioError, clioErrorBody } from './errors';
import { issueTokens } from './oauth';
import type { TokenResponse } from './oauth';
import { registerOAuthRoutes } from './oauth';
import type { ClioSandboxOptions } from './options';
import { resolveClioOptions } from './options';
import type { ClioState } from './state';
import { registerActivityRoutes } from './resources/activities';
import { registerBankRoutes } from './resources/bankTransactions';
import { registerBillRoutes } from './resources/bills';
import { registerContactRoutes } from './resources/contacts';
import { registerCustomFieldRoutes } from './resources/customFields';
import { registerMatterRoutes } from './resources/matters';
import { registerNoteRoutes } from './resources/notes';
import { registerUserRoutes } from './resources/users';
import { registerWebhookRoutes } from './resources/webhooks';

export interface ClioSandbox {
  app: FastifyInstance;
  context: ClioContext;
  /** A fresh access/refresh token pair for the configured client (no browser needed). */
  issueTokens(): TokenResponse;
  /** Resolves when no webhook delivery, retry or handshake is pending. */
  webhooksIdle(): Promise<void>;
}

export interface ClioSandboxHandle extends ClioSandbox {
  /** Base URL, e.g. `http://127.0.0.1:8801`; the API is under `${url}/api/v4`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Clio's spec paths end in `.json`; clients also call them without. Route on the bare path. */
function stripJsonSuffix(url: string): string {
  return url.replace(/^(\/api\/v4\/[^?]*?)\.json(?=$|\?)/, '$1');
}

/** Builds the Clio Manage v4 emulator without listening (see startClioSandbox). */
export function createClioSandbox(options: ClioSandboxOptions = {}): ClioSandbox {
  const context = new ClioContext(resolveClioOptions(options));
  const app = createSandboxApp({ errorBody: clioErrorBody, rewriteUrl: stripJsonSuffix });

  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route !== undefined && !route.startsWith('/__sandbox')) context.requestCounter.record(request.method, route);
  });
  app.addHook('onClose', async () => context.deliverer.close());
  if (options.stateFile)
    keepSandboxStateIn({
      app,
      file: options.stateFile,
      sandbox: 'Clio',
      read: () => context.state,
      replace: (state: ClioState) => {
        context.state = state;
      },
    });

  registerOAuthRoutes(app, context);
  registerClioControlRoutes(app, context);
  void app.register(async (api) => {
    installApiGuards(api, context);
    registerMatterRoutes(api, context);
    registerContactRoutes(api, context);
    registerActivityRoutes(api, context);
    registerNoteRoutes(api, context);
    registerCustomFieldRoutes(api, context);
    registerBillRoutes(api, context);
    registerBankRoutes(api, context);
    registerUserRoutes(api, context);
    registerWebhookRoutes(api, context);
  });
  app.setNotFoundHandler(async (request) => {
    throw clioError(404, `No route matches ${request.method} ${request.url}`);
  });

  return {
    app,
    context,
    issueTokens: () => issueTokens(context),
    webhooksIdle: () => context.deliverer.whenIdle(),
  };
}

/** Starts the Clio sandbox on `host:port` (defaults 127.0.0.1:8801; port 0 = any free port). */
export async function startClioSandbox(options: ClioSandboxOptions = {}): Promise<ClioSandboxHandle> {
  const sandbox = createClioSandbox(options);
  const resolved = sandbox.context.options;
  const { url, port } = await listen(sandbox.app, resolved.host, resolved.port);
  return { ...sandbox, url, port, close: () => sandbox.app.close() };
}
