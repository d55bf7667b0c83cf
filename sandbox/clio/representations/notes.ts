import type { FieldSchema } from '../fields';
import type { ClioState, NoteRecord } from '../state';
import { CONTACT_FIELDS, renderContact } from './contacts';
import { MATTER_FIELDS, renderMatter } from './matters';
import { USER_FIELDS, renderUser } from './users';

export const NOTE_FIELDS: FieldSchema = {
  id: null,
  etag: null,
  type: null,
  subject: null,
  detail: null,
  detail_text_type: null,
  date: null,
  matter: MATTER_FIELDS,
  contact: CONTACT_FIELDS,
  author: USER_FIELDS,
  created_at: null,
  updated_at: null,
};

export function renderNote(state: ClioState, note: NoteRecord): Record<string, unknown> {
  const matter = note.matter_id === null ? undefined : state.matters.get(note.matter_id);
  const contact = note.contact_id === null ? undefined : state.contacts.get(note.contact_id);
  return {
    id: note.id,
    etag: note.etag,
    type: note.type,
    subject: note.subject,
    detail: note.detail,
    detail_text_type: note.detail_text_type,
    date: note.date,
    matter: matter ? renderMatter(state, matter) : null,
    contact: contact ? renderContact(contact) : null,
    author: renderUser(state.user),
    created_at: note.created_at,
    updated_at: note.updated_at,
  };
}
