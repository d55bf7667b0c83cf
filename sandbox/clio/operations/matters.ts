import type { ClioContext } from '../context';
import { clioError } from '../errors';
import { renderMatter } from '../representations/matters';
import type { BillingMethod, MatterRecord, MatterStatus } from '../state';
import { nextId } from '../state';
import { emitRecordEvent } from '../webhookEvents';
import type { CustomFieldValueInput } from './customFields';
import { applyCustomFieldValues } from './customFields';
import { timestamps, today, touch } from './records';
import { postTrustEntry } from './trustLedger';

export type MatterStatusInput = 'open' | 'pending' | 'closed';

const STATUS_BY_INPUT: Record<MatterStatusInput, MatterStatus> = { open: 'Open', pending: 'Pending', closed: 'Closed' };
const STATUS_EVENT: Record<MatterStatus, string> = {
  Open: 'matter_opened',
  Pending: 'matter_pended',
  Closed: 'matter_closed',
};

export interface NewMatter {
  client_id: number;
  description: string;
  billing_method?: BillingMethod;
  status?: MatterStatusInput;
  open_date?: string;
  client_reference?: string | null;
  trust_balance_cents?: number;
  custom_field_values?: CustomFieldValueInput[];
}

export interface MatterChanges {
  description?: string;
  status?: MatterStatusInput;
  billing_method?: BillingMethod;
  client_reference?: string | null;
  custom_field_values?: CustomFieldValueInput[];
}

/** "00042-Smith": the zero-padded matter number and the client's surname, like Clio's default numbering. */
function displayNumber(number: number, clientLastName: string): string {
  const surname = clientLastName.replace(/[^\p{L}\p{N}]+/gu, '') || 'Client';
  return `${String(number).padStart(5, '0')}-${surname}`;
}

function emitMatter(ctx: ClioContext, matter: MatterRecord, event: string): void {
  emitRecordEvent(ctx, 'matter', event, matter.id, () => renderMatter(ctx.state, matter));
}

export function createMatter(ctx: ClioContext, input: NewMatter): MatterRecord {
  const { state } = ctx;
  const client = state.contacts.get(input.client_id);
  if (!client) throw clioError(422, `client ${input.client_id} does not exist`);
  if (input.description.trim() === '') throw clioError(422, "description can't be blank");
  const status = STATUS_BY_INPUT[input.status ?? 'open'];
  const number = nextId(state, 'matterNumber');
  const matter: MatterRecord = {
    id: nextId(state, 'matter'),
    ...timestamps(ctx),
    number,
    display_number: displayNumber(number, client.last_name ?? client.name.split(/\s+/).pop() ?? ''),
    description: input.description.trim(),
    status,
    client_id: client.id,
    billing_method: input.billing_method ?? 'hourly',
    open_date: input.open_date ?? today(ctx),
    pending_date: status === 'Pending' ? today(ctx) : null,
    close_date: status === 'Closed' ? today(ctx) : null,
    client_reference: input.client_reference ?? null,
    trust_balance_cents: 0,
    custom_field_values: [],
  };
  if (input.custom_field_values)
    applyCustomFieldValues(ctx, 'Matter', matter.custom_field_values, input.custom_field_values);
  state.matters.set(matter.id, matter);
  // A starting trust balance is a deposit on the ledger, so the balance is always the sum of the ledger.
  if (input.trust_balance_cents) {
    postTrustEntry(
      ctx,
      matter,
      { direction: 'deposit', amountCents: input.trust_balance_cents, description: 'Opening trust balance' },
      { silent: true },
    );
  }
  emitMatter(ctx, matter, 'created');
  return matter;
}

function applyStatus(ctx: ClioContext, matter: MatterRecord, status: MatterStatus): void {
  matter.status = status;
  if (status === 'Closed') matter.close_date = today(ctx);
  if (status === 'Pending') matter.pending_date = today(ctx);
  if (status === 'Open') {
    matter.close_date = null;
    matter.open_date ??= today(ctx);
  }
}

/** Applies a matter PATCH; fires `updated` and, on a status change, `matter_opened|pended|closed`. */
export function updateMatter(ctx: ClioContext, matter: MatterRecord, changes: MatterChanges): MatterRecord {
  const previousStatus = matter.status;
  let changed = false;
  if (changes.description !== undefined && changes.description !== matter.description) {
    if (changes.description.trim() === '') throw clioError(422, "description can't be blank");
    matter.description = changes.description;
    changed = true;
  }
  if (changes.billing_method !== undefined && changes.billing_method !== matter.billing_method) {
    matter.billing_method = changes.billing_method;
    changed = true;
  }
  if (changes.client_reference !== undefined && changes.client_reference !== matter.client_reference) {
    matter.client_reference = changes.client_reference;
    changed = true;
  }
  if (changes.custom_field_values) {
    changed = applyCustomFieldValues(ctx, 'Matter', matter.custom_field_values, changes.custom_field_values) || changed;
  }
  const status = changes.status === undefined ? undefined : STATUS_BY_INPUT[changes.status];
  if (status !== undefined && status !== previousStatus) {
    applyStatus(ctx, matter, status);
    changed = true;
  }
  if (!changed) return matter;
  touch(ctx, matter);
  emitMatter(ctx, matter, 'updated');
  if (matter.status !== previousStatus) emitMatter(ctx, matter, STATUS_EVENT[matter.status]);
  return matter;
}
