import { centsToDollars } from '../../common/money';
import type { FieldSchema } from '../fields';
import type { ActivityRecord, ClioState } from '../state';
import { BILL_FIELDS } from './bills';
import { MATTER_FIELDS, renderMatter } from './matters';
import { USER_FIELDS, renderUser } from './users';

export const ACTIVITY_FIELDS: FieldSchema = {
  id: null,
  etag: null,
  type: null,
  date: null,
  quantity: null,
  quantity_in_hours: null,
  rounded_quantity: null,
  rounded_quantity_in_hours: null,
  quantity_redacted: null,
  price: null,
  total: null,
  note: null,
  flat_rate: null,
  non_billable: null,
  non_billable_total: null,
  no_charge: null,
  billed: null,
  on_bill: null,
  contingency_fee: null,
  matter: MATTER_FIELDS,
  user: USER_FIELDS,
  bill: BILL_FIELDS,
  activity_description: { id: null, name: null },
  created_at: null,
  updated_at: null,
};

/** Versions before 4.0.4 reported `quantity` in hours; later ones in seconds. */
function quantityFor(apiMinor: number, seconds: number): number {
  return apiMinor >= 4 ? seconds : seconds / 3600;
}

export function renderActivity(state: ClioState, activity: ActivityRecord, apiMinor: number): Record<string, unknown> {
  const matter = state.matters.get(activity.matter_id);
  const hours = activity.quantity_seconds / 3600;
  const total = centsToDollars(activity.total_cents);
  return {
    id: activity.id,
    etag: activity.etag,
    type: activity.type,
    date: activity.date,
    quantity: quantityFor(apiMinor, activity.quantity_seconds),
    quantity_in_hours: hours,
    rounded_quantity: quantityFor(apiMinor, activity.quantity_seconds),
    rounded_quantity_in_hours: hours,
    quantity_redacted: false,
    price: centsToDollars(activity.rate_cents),
    total,
    note: activity.note,
    flat_rate: false,
    non_billable: activity.non_billable,
    non_billable_total: activity.non_billable ? total : 0,
    no_charge: activity.no_charge,
    billed: activity.billed,
    on_bill: activity.on_bill,
    contingency_fee: false,
    matter: matter ? renderMatter(state, matter) : null,
    user: renderUser(state.user),
    bill: null,
    activity_description: null,
    created_at: activity.created_at,
    updated_at: activity.updated_at,
  };
}
