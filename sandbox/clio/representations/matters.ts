import { centsToDollars } from '../../common/money';
import type { FieldSchema } from '../fields';
import type { ClioState, MatterRecord } from '../state';
import { ACCOUNT_BALANCE_FIELDS, CONTACT_FIELDS, renderContact } from './contacts';
import { CUSTOM_FIELD_VALUE_FIELDS, renderCustomFieldValue } from './customFields';
import { USER_FIELDS, renderUser } from './users';

export const MATTER_FIELDS: FieldSchema = {
  id: null,
  etag: null,
  number: null,
  display_number: null,
  custom_number: null,
  description: null,
  status: null,
  client: CONTACT_FIELDS,
  billable: null,
  billing_method: null,
  open_date: null,
  pending_date: null,
  close_date: null,
  last_activity_date: null,
  client_reference: null,
  location: null,
  account_balances: ACCOUNT_BALANCE_FIELDS,
  custom_field_values: CUSTOM_FIELD_VALUE_FIELDS,
  responsible_attorney: USER_FIELDS,
  originating_attorney: USER_FIELDS,
  practice_area: null,
  matter_stage: null,
  created_at: null,
  updated_at: null,
};

function lastActivityDate(state: ClioState, matterId: number): string | null {
  let latest: string | null = null;
  for (const activity of state.activities.values()) {
    if (activity.matter_id === matterId && (latest === null || activity.date > latest)) latest = activity.date;
  }
  return latest;
}

export function renderMatter(state: ClioState, matter: MatterRecord): Record<string, unknown> {
  const client = state.contacts.get(matter.client_id);
  const trust = state.bankAccounts.trust;
  return {
    id: matter.id,
    etag: matter.etag,
    number: matter.number,
    display_number: matter.display_number,
    custom_number: null,
    description: matter.description,
    status: matter.status,
    client: client ? renderContact(client) : null,
    billable: matter.billing_method !== 'contingency',
    billing_method: matter.billing_method,
    open_date: matter.open_date,
    pending_date: matter.pending_date,
    close_date: matter.close_date,
    last_activity_date: lastActivityDate(state, matter.id),
    client_reference: matter.client_reference,
    location: null,
    account_balances: [
      {
        id: trust.id,
        balance: centsToDollars(matter.trust_balance_cents),
        type: trust.type,
        name: trust.name,
        currency_id: 1,
      },
    ],
    custom_field_values: matter.custom_field_values.map((value) => renderCustomFieldValue(state, value)),
    responsible_attorney: renderUser(state.user),
    originating_attorney: null,
    practice_area: null,
    matter_stage: null,
    created_at: matter.created_at,
    updated_at: matter.updated_at,
  };
}
