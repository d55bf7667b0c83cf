import { dollarsToCents } from '../common/money';
import { BILLING_DAY_FIELD, FLAT_FEE_FIELD } from './billingTerms';
import type { ClioContext } from './context';
import { renderCustomField } from './representations/customFields';
import { renderWebhook } from './representations/webhooks';
import type { ActivityRecord, ClioState, MatterRecord } from './state';

/** `GET /__sandbox/state` speaks the control surface's language: cents, internal flags such as `draft`. */
export function matterSummary(state: ClioState, matter: MatterRecord): Record<string, unknown> {
  const customFields = Object.fromEntries(
    matter.custom_field_values.map((value) => [
      state.customFields.get(value.custom_field_id)?.name ?? String(value.custom_field_id),
      value.value,
    ]),
  );
  return {
    id: matter.id,
    etag: matter.etag,
    display_number: matter.display_number,
    description: matter.description,
    status: matter.status,
    billing_method: matter.billing_method,
    client_id: matter.client_id,
    client_reference: matter.client_reference,
    trust_balance_cents: matter.trust_balance_cents,
    flat_fee_cents:
      typeof customFields[FLAT_FEE_FIELD] === 'number' ? dollarsToCents(customFields[FLAT_FEE_FIELD]) : null,
    billing_day: customFields[BILLING_DAY_FIELD] ?? null,
    custom_fields: customFields,
    open_date: matter.open_date,
    close_date: matter.close_date,
    created_at: matter.created_at,
    updated_at: matter.updated_at,
  };
}

export function activitySummary(activity: ActivityRecord): Record<string, unknown> {
  return {
    id: activity.id,
    etag: activity.etag,
    matter_id: activity.matter_id,
    date: activity.date,
    hours: activity.quantity_seconds / 3600,
    rate_cents: activity.rate_cents,
    total_cents: activity.total_cents,
    note: activity.note,
    non_billable: activity.non_billable,
    draft: activity.draft,
    billed: activity.billed,
    created_at: activity.created_at,
    updated_at: activity.updated_at,
  };
}

export function snapshotClioState(ctx: ClioContext): Record<string, unknown> {
  const { state } = ctx;
  const now = ctx.now();
  return {
    user: state.user,
    matters: [...state.matters.values()].map((matter) => matterSummary(state, matter)),
    contacts: [...state.contacts.values()].map((contact) => ({ ...contact })),
    activities: [...state.activities.values()].map(activitySummary),
    notes: [...state.notes.values()].map((note) => ({ ...note })),
    custom_fields: [...state.customFields.values()].map(renderCustomField),
    custom_field_values: [...state.matters.values()].flatMap((matter) =>
      matter.custom_field_values.map((value) => ({
        matter_id: matter.id,
        id: value.id,
        custom_field_id: value.custom_field_id,
        field_name: state.customFields.get(value.custom_field_id)?.name ?? null,
        value: value.value,
      })),
    ),
    bills: [...state.bills.values()],
    trust_ledger: [...state.trustLedger.values()].map((entry) => ({ ...entry })),
    webhooks: [...state.webhooks.values()].map(renderWebhook),
    deliveries: ctx.deliverer.log,
    tokens: {
      access_tokens: state.accessTokens.size,
      live_access_tokens: [...state.accessTokens.values()].filter((token) => token.expiresAt > now).length,
      refresh_tokens: state.refreshTokens.size,
    },
    request_counts: ctx.requestCounter.snapshot(),
    // Per credential and window: requests served and answered 429 (benchmarks read the 429s and the floor here).
    rate_limit_windows: ctx.rateLimiter.windowLog(),
    faults: ctx.faults.current,
  };
}
