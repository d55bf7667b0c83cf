import type { ClioContext } from '../context';
import { renderContact } from '../representations/contacts';
import type { ContactRecord } from '../state';
import { nextId } from '../state';
import { emitRecordEvent } from '../webhookEvents';
import { timestamps } from './records';

export interface NewContact {
  name: string;
  email: string | null;
  type?: ContactRecord['type'];
  is_client?: boolean;
}

function splitPersonName(name: string): { first: string | null; last: string | null } {
  const parts = name.trim().split(/\s+/);
  if (parts.length === 1) return { first: null, last: parts[0] ?? null };
  return { first: parts.slice(0, -1).join(' '), last: parts[parts.length - 1] ?? null };
}

export function createContact(ctx: ClioContext, input: NewContact): ContactRecord {
  const { state } = ctx;
  const type = input.type ?? 'Person';
  const names = type === 'Person' ? splitPersonName(input.name) : { first: null, last: null };
  const contact: ContactRecord = {
    id: nextId(state, 'contact'),
    ...timestamps(ctx),
    type,
    name: input.name.trim(),
    first_name: names.first,
    last_name: names.last,
    email: input.email,
    email_address_id: input.email ? nextId(state, 'emailAddress') : null,
    is_client: input.is_client ?? true,
  };
  state.contacts.set(contact.id, contact);
  emitRecordEvent(ctx, 'contact', 'created', contact.id, () => renderContact(contact));
  return contact;
}
