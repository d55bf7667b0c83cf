import type { FastifyInstance } from 'fastify';
import type { LawPayContext } from './context';
import { createdWithin, ordered, pageOf, queryOf } from './listing';
import type { GatewayEvent } from './state';

/** `GET /v1/events`: the polling source LawPay recommends (same paging envelope as transactions). */
export function registerEventRoutes(api: FastifyInstance, ctx: LawPayContext): void {
  api.get('/v1/events', async (request) => {
    const query = queryOf(request);
    const matching = ctx.state.events.filter(createdWithin<GatewayEvent>(query));
    return pageOf(ordered(matching, query, ['created']), query);
  });
}
