import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { clioAuthorizeUrl, exchangeClioCode } from '../../connectors/clio';
import { clioTokenStore } from '../firms';
import { signState, verifyState } from '../clio/connect';
import { page } from './pages';
import type { IngressDeps } from './server';

/** Clio's authorization-code grant: /oauth/clio/start sends the admin to Clio, the callback stores the tokens. */
export function registerClioOAuth(app: FastifyInstance, deps: IngressDeps): void {
  const redirectUri = `${deps.config.publicBaseUrl}/oauth/clio/callback`;

  app.get('/oauth/clio/start', async (req, reply) => {
    const query = z.object({ firm: z.string().optional() }).safeParse(req.query);
    const firmId = (query.success && query.data.firm) || deps.config.FIRM_ID;
    const connection = deps.firms.connection(firmId);
    return reply.redirect(clioAuthorizeUrl(connection.clio.oauth, redirectUri, signState(deps.stateKey, firmId)), 302);
  });

  app.get('/oauth/clio/callback', async (req, reply) => {
    const query = z.object({ code: z.string().min(1), state: z.string().min(1) }).safeParse(req.query);
    if (!query.success) {
      return reply.code(400).type('text/html').send(page('Clio was not connected', 'Clio did not send an authorization code (access declined?). Start again from matterpay.'));
    }
    const firmId = verifyState(deps.stateKey, query.data.state);
    if (!firmId) return reply.code(400).type('text/html').send(page('Clio was not connected', 'This sign-in link is invalid or more than 15 minutes old. Start again from matterpay.'));
    const connection = deps.firms.connection(firmId);
    const tokens = await exchangeClioCode(connection.clio.oauth, query.data.code, redirectUri);
    await clioTokenStore(deps.db, deps.box, firmId, connection.clio.oauth.baseUrl).save(tokens);
    // Subscribe at once, so approved time starts flowing without waiting for the daily webhook upkeep.
    await connection.services.maintainWebhooks?.().catch((err: Error) => deps.logger.warn({ err: err.message, firmId }, 'Clio connected, but its webhooks could not be set up yet'));
    return reply.type('text/html').send(page('Clio is connected', `matterpay can now read matters and time for ${firmId}. You can close this window.`));
  });
}
