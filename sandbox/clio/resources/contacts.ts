import type { FastifyInstance } from 'fastify';
import type { ClioContext } from '../context';
import type { Query } from '../queryParams';
import { single } from '../queryParams';
import { CONTACT_FIELDS, renderContact } from '../representations/contacts';
import type { ContactRecord } from '../state';
import { clioError } from '../errors';
import type { ReadableResource } from './readRoutes';
import { registerReadRoutes } from './readRoutes';

function filterContacts(_ctx: ClioContext, contacts: ContactRecord[], query: Query): ContactRecord[] {
  const type = single(query, 'type');
  if (type !== undefined && type !== 'Person' && type !== 'Company') {
    throw clioError(400, `Parameter 'type' must be Person or Company`);
  }
  const text = single(query, 'query')?.toLowerCase();
  return contacts.filter(
    (contact) =>
      (type === undefined || contact.type === type) &&
      (text === undefined || `${contact.name} ${contact.email ?? ''}`.toLowerCase().includes(text)),
  );
}

export const contactResource: ReadableResource<ContactRecord> = {
  name: 'Contact',
  path: '/api/v4/contacts',
  fields: CONTACT_FIELDS,
  sortable: ['id', 'name', 'created_at', 'updated_at'],
  records: (ctx) => ctx.state.contacts,
  filter: filterContacts,
  render: (_ctx, contact) => renderContact(contact),
};

export function registerContactRoutes(api: FastifyInstance, ctx: ClioContext): void {
  registerReadRoutes(api, ctx, contactResource);
}
