import type { FieldSchema } from '../fields';
import type { ContactRecord } from '../state';
import { CUSTOM_FIELD_VALUE_FIELDS } from './customFields';

export const EMAIL_ADDRESS_FIELDS: FieldSchema = { id: null, etag: null, address: null, name: null, primary: null };
export const ACCOUNT_BALANCE_FIELDS: FieldSchema = {
  id: null,
  balance: null,
  type: null,
  name: null,
  currency_id: null,
};

export const CONTACT_FIELDS: FieldSchema = {
  id: null,
  etag: null,
  type: null,
  name: null,
  first_name: null,
  middle_name: null,
  last_name: null,
  prefix: null,
  title: null,
  initials: null,
  primary_email_address: null,
  secondary_email_address: null,
  email_addresses: EMAIL_ADDRESS_FIELDS,
  is_client: null,
  account_balances: ACCOUNT_BALANCE_FIELDS,
  custom_field_values: CUSTOM_FIELD_VALUE_FIELDS,
  created_at: null,
  updated_at: null,
};

export function renderContact(contact: ContactRecord): Record<string, unknown> {
  const initials = (contact.name.match(/\b\p{L}/gu) ?? []).join('').slice(0, 3);
  return {
    id: contact.id,
    etag: contact.etag,
    type: contact.type,
    name: contact.name,
    first_name: contact.first_name,
    middle_name: null,
    last_name: contact.last_name,
    prefix: null,
    title: null,
    initials,
    primary_email_address: contact.email,
    secondary_email_address: null,
    email_addresses:
      contact.email && contact.email_address_id !== null
        ? [
            {
              id: contact.email_address_id,
              etag: `"email-${contact.email_address_id}"`,
              address: contact.email,
              name: 'Work',
              primary: true,
            },
          ]
        : [],
    is_client: contact.is_client,
    account_balances: [],
    custom_field_values: [],
    created_at: contact.created_at,
    updated_at: contact.updated_at,
  };
}
