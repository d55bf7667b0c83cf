import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { VendorError } from '../../connectors';
import { ClioConnectRequestRepository } from '../../store/clioConnectRequests';
import { completeConnection, connectSecretPattern, hashConnectSecret, startConnection } from '../clio/connect';
import { page } from './pages';
import type { IngressDeps } from './server';

const startRefusals = {
  unknown:
    'This sign-in link is not valid. On the matterpay server, run `matterpay connect clio`: it prints a link that works once.',
  used: 'This sign-in link has already been used. Run `matterpay connect clio` again for a new one.',
  expired: 'This sign-in link has expired (links last 15 minutes). Run `matterpay connect clio` again for a new one.',
} as const;

/**
 * Clio's authorization-code grant, started only by an admin (issue 10): `matterpay connect clio` mints a single-use
 * start link; /oauth/clio/start uses it once and sends the browser to Clio with a fresh `state`; the callback
 * consumes that state once, and refuses a grant from a different Clio account unless the link was minted with
 * `--replace`.
 */
export function registerClioOAuth(app: FastifyInstance, deps: IngressDeps): void {
  const redirectUri = `${deps.config.publicBaseUrl}/oauth/clio/callback`;
  const requests = new ClioConnectRequestRepository(deps.db);
  const html = (reply: FastifyReply, status: number, title: string, message: string) =>
    reply.code(status).header('Cache-Control', 'no-store').type('text/html').send(page(title, message));

  app.get('/oauth/clio/start', async (req, reply) => {
    const query = z.object({ request: z.string().regex(connectSecretPattern) }).safeParse(req.query);
    const started = query.success
      ? await startConnection(deps.db, query.data.request)
      : { kind: 'refused' as const, reason: 'unknown' as const };
    if (started.kind === 'refused') return html(reply, 403, 'Clio was not connected', startRefusals[started.reason]);
    const connection = deps.firms.connection(started.firmId);
    return reply
      .header('Cache-Control', 'no-store')
      .redirect(connection.practiceAuth.authorizeUrl(redirectUri, started.state), 302);
  });

  app.get('/oauth/clio/callback', async (req, reply) => {
    const query = z
      .object({ code: z.string().min(1).max(512), state: z.string().regex(connectSecretPattern) })
      .safeParse(req.query);
    if (!query.success) {
      // Declined at Clio (`redirect_on_decline`): the sign-in is over, so `connect clio` stops waiting for it.
      const declined = z.object({ state: z.string().regex(connectSecretPattern) }).safeParse(req.query);
      const request = declined.success ? await requests.consumeState(hashConnectSecret(declined.data.state)) : null;
      if (request) await requests.recordOutcome(request.requestHash, 'failed');
      return html(
        reply,
        400,
        'Clio was not connected',
        'Clio did not send an authorization code (access declined?). Run `matterpay connect clio` to start again.',
      );
    }
    const request = await requests.consumeState(hashConnectSecret(query.data.state));
    if (!request)
      return html(
        reply,
        400,
        'Clio was not connected',
        'This sign-in is unknown, already used, or more than 15 minutes old. Run `matterpay connect clio` to start again.',
      );
    const connection = deps.firms.connection(request.firmId);
    let result;
    try {
      const tokens = await connection.practiceAuth.exchangeCode(query.data.code, redirectUri);
      result = await completeConnection({
        db: deps.db,
        box: deps.box,
        firmId: request.firmId,
        authorization: connection.practiceAuth,
        tokens,
        replaceAllowed: request.replaceAllowed,
      });
    } catch (err) {
      if (!(err instanceof VendorError)) throw err;
      await requests.recordOutcome(request.requestHash, 'failed');
      deps.logger.warn({ err: err.message, firmId: request.firmId }, 'Clio sign-in failed');
      return html(
        reply,
        502,
        'Clio was not connected',
        'Clio did not accept the sign-in. Run `matterpay connect clio` to start again.',
      );
    }
    await requests.recordOutcome(request.requestHash, result.kind);
    if (result.kind === 'refused-other-account') {
      deps.logger.warn(
        { firmId: request.firmId, signedInAs: result.signedInAs.userId },
        'Clio sign-in refused: a different Clio account than the connected one',
      );
      return html(
        reply,
        409,
        'Clio was not connected',
        `You signed in to Clio as ${result.signedInAs.name}, but matterpay is connected to ${result.connectedAs}. Nothing was changed. ` +
          'To move matterpay to this account, run `matterpay connect clio --replace` and sign in again.',
      );
    }
    // Subscribe at once, so approved time starts flowing without waiting for the daily webhook upkeep.
    await connection.services
      .maintainWebhooks?.()
      .catch((err: Error) =>
        deps.logger.warn(
          { err: err.message, firmId: request.firmId },
          'Clio connected, but its webhooks could not be set up yet',
        ),
      );
    return html(
      reply,
      200,
      'Clio is connected',
      `matterpay can now read matters and time for ${request.firmId} as ${result.identity.name}. You can close this window.`,
    );
  });
}
