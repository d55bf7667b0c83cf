import type { FastifyInstance } from 'fastify';
import type { ClioContext } from '../context';
import { clioError } from '../errors';
import { ACTIVITY_STATUSES, activityHasStatus } from '../operations/activities';
import type { Query } from '../queryParams';
import { enumList, isoDateParam, positiveInteger, single } from '../queryParams';
import { ACTIVITY_FIELDS, renderActivity } from '../representations/activities';
import type { ActivityRecord } from '../state';
import type { ReadableResource } from './readRoutes';
import { registerReadRoutes } from './readRoutes';

const ACTIVITY_TYPES = ['TimeEntry', 'ExpenseEntry', 'HardCostEntry', 'SoftCostEntry'] as const;

function filterActivities(_ctx: ClioContext, activities: ActivityRecord[], query: Query): ActivityRecord[] {
  const matterId = positiveInteger(query, 'matter_id');
  const userId = positiveInteger(query, 'user_id');
  const type = single(query, 'type');
  if (type !== undefined && !(ACTIVITY_TYPES as readonly string[]).includes(type)) {
    throw clioError(400, `Parameter 'type' must be one of ${ACTIVITY_TYPES.join(', ')}`);
  }
  const [status, ...extra] = enumList(query, 'status', ACTIVITY_STATUSES) ?? [];
  if (extra.length > 0) throw clioError(400, `Parameter 'status' takes a single value`);
  const startDate = isoDateParam(query, 'start_date');
  const endDate = isoDateParam(query, 'end_date');
  return activities.filter(
    (activity) =>
      (matterId === undefined || activity.matter_id === matterId) &&
      (userId === undefined || activity.user_id === userId) &&
      (type === undefined || activity.type === type) &&
      (status === undefined || activityHasStatus(activity, status)) &&
      (startDate === undefined || activity.date >= startDate) &&
      (endDate === undefined || activity.date <= endDate),
  );
}

export const activityResource: ReadableResource<ActivityRecord> = {
  name: 'Activity',
  path: '/api/v4/activities',
  fields: ACTIVITY_FIELDS,
  sortable: ['id', 'date', 'created_at', 'updated_at'],
  records: (ctx) => ctx.state.activities,
  filter: filterActivities,
  render: (ctx, activity, version) => renderActivity(ctx.state, activity, version.minor),
};

/** Read-only here: matterpay never writes time entries (the control surface creates them). */
export function registerActivityRoutes(api: FastifyInstance, ctx: ClioContext): void {
  registerReadRoutes(api, ctx, activityResource);
}
