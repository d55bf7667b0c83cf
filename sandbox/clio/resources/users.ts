import type { FastifyInstance } from 'fastify';
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
  records: (ctx) => new Map([[ctx.state.user.id, ctx.state.user]]),
  render: (_ctx, user) => renderUser(user),
};

export function registerUserRoutes(api: FastifyInstance, ctx: ClioContext): void {
  api.get('/api/v4/users/who_am_i', async (request, reply) => sendRecord(ctx, request, reply, userResource, ctx.state.user));
}
