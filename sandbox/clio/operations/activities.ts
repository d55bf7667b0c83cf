import type { ClioContext } from '../context';
import { clioError } from '../errors';
import { renderActivity } from '../representations/activities';
import type { ActivityRecord } from '../state';
import { nextId } from '../state';
import { emitRecordEvent } from '../webhookEvents';
import { timestamps, today, touch } from './records';

/** Webhook payloads are rendered as the default API version would (quantity in seconds). */
const WEBHOOK_API_MINOR = 9;

export interface NewTimeEntry {
  matter_id: number;
  hours: number;
  rate_cents: number;
  note?: string | null;
  non_billable?: boolean;
  draft?: boolean;
  date?: string;
}

function emitActivity(ctx: ClioContext, activity: ActivityRecord, event: string): void {
  emitRecordEvent(ctx, 'activity', event, activity.id, () => renderActivity(ctx.state, activity, WEBHOOK_API_MINOR));
}

export function createTimeEntry(ctx: ClioContext, input: NewTimeEntry): ActivityRecord {
  const { state } = ctx;
  if (!state.matters.has(input.matter_id)) throw clioError(404, `Matter ${input.matter_id} not found`);
  const activity: ActivityRecord = {
    id: nextId(state, 'activity'),
    ...timestamps(ctx),
    type: 'TimeEntry',
    date: input.date ?? today(ctx),
    quantity_seconds: Math.round(input.hours * 3600),
    rate_cents: input.rate_cents,
    total_cents: Math.round(input.hours * input.rate_cents),
    note: input.note ?? null,
    non_billable: input.non_billable ?? false,
    no_charge: false,
    draft: input.draft ?? false,
    billed: false,
    on_bill: false,
    matter_id: input.matter_id,
    user_id: state.user.id,
  };
  state.activities.set(activity.id, activity);
  emitActivity(ctx, activity, 'created');
  return activity;
}

/** The lawyer finishes a partial save: the entry now counts as unbilled time. */
export function submitTimeEntry(ctx: ClioContext, activity: ActivityRecord): ActivityRecord {
  if (!activity.draft) throw clioError(409, `Activity ${activity.id} is not a draft`);
  activity.draft = false;
  touch(ctx, activity);
  emitActivity(ctx, activity, 'updated');
  return activity;
}

export const ACTIVITY_STATUSES = ['billed', 'draft', 'unbilled', 'non_billable', 'billable', 'written_off'] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

/**
 * How the sandbox answers Clio's `status` filter. Clio activities have no approval field; a sandbox draft is
 * reported under `draft` only, so `unbilled` (what the connector reads as approved time) excludes it.
 */
export function activityHasStatus(activity: ActivityRecord, status: ActivityStatus): boolean {
  switch (status) {
    case 'draft':
      return activity.draft;
    case 'billed':
      return activity.billed;
    case 'unbilled':
      return !activity.draft && !activity.non_billable && !activity.billed && !activity.on_bill;
    case 'billable':
      return !activity.draft && !activity.non_billable;
    case 'non_billable':
      return !activity.draft && activity.non_billable;
    case 'written_off':
      return false;
  }
}
