import type { FastifyInstance } from 'fastify';
import { bearerTokenOf } from '../apiGuards';
import type { ClioContext } from '../context';
import { USER_FIELDS, renderUser } from '../representations/users';
import type { UserRecord } from '../state';
import type { ReadableResource } from './readRoutes';
import { sendRecord } from './readRoutes';

const userResource: ReadableResource<UserRecord> = {
  name: 'User',
  path: '/api/v4/users',
  fields: USER_FIELDS,
  sortable: ['id'],
  records: (ctx) => ctx.state.users,
  render: (_ctx, user) => renderUser(user),
};

/** `who_am_i` answers with the user whose approval the access token carries. */
export function registerUserRoutes(api: FastifyInstance, ctx: ClioContext): void {
  api.get('/api/v4/users/who_am_i', async (request, reply) => {
    const token = ctx.state.accessTokens.get(bearerTokenOf(request) ?? '');
    return sendRecord(
      ctx,
      request,
      reply,
      userResource,
      ctx.state.users.get(token?.userId ?? ctx.state.user.id) ?? ctx.state.user,
    );
  });
}
