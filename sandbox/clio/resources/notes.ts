import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ClioContext } from '../context';
import { clioError } from '../errors';
import { createNote } from '../operations/notes';
import type { Query } from '../queryParams';
import { positiveInteger, single } from '../queryParams';
import { NOTE_FIELDS, renderNote } from '../representations/notes';
import type { NoteRecord } from '../state';
import type { ReadableResource } from './readRoutes';
import { registerReadRoutes, sendRecord } from './readRoutes';
import { parseDataEnvelope } from './requestBody';
import { isoDateString, recordId } from './schemas';

const noteCreateSchema = z.object({
  type: z.enum(['Matter', 'Contact']),
  matter: z.object({ id: recordId }).optional(),
  contact: z.object({ id: recordId }).optional(),
  subject: z.string().trim().min(1),
  detail: z.string().nullable().optional(),
  detail_text_type: z.enum(['plain_text', 'rich_text']).optional(),
  date: isoDateString.optional(),
});

function filterNotes(_ctx: ClioContext, notes: NoteRecord[], query: Query): NoteRecord[] {
  const type = single(query, 'type');
  if (type !== undefined && type !== 'Matter' && type !== 'Contact')
    throw clioError(400, `Parameter 'type' must be Matter or Contact`);
  const matterId = positiveInteger(query, 'matter_id');
  const contactId = positiveInteger(query, 'contact_id');
  return notes.filter(
    (note) =>
      (type === undefined || note.type === type) &&
      (matterId === undefined || note.matter_id === matterId) &&
      (contactId === undefined || note.contact_id === contactId),
  );
}

export const noteResource: ReadableResource<NoteRecord> = {
  name: 'Note',
  path: '/api/v4/notes',
  fields: NOTE_FIELDS,
  sortable: ['id', 'date', 'created_at', 'updated_at'],
  records: (ctx) => ctx.state.notes,
  filter: filterNotes,
  render: (ctx, note) => renderNote(ctx.state, note),
};

export function registerNoteRoutes(api: FastifyInstance, ctx: ClioContext): void {
  registerReadRoutes(api, ctx, noteResource);

  api.post(noteResource.path, async (request, reply) => {
    const input = parseDataEnvelope(request, noteCreateSchema);
    const parentId = input.type === 'Matter' ? input.matter?.id : input.contact?.id;
    const parentExists =
      input.type === 'Matter'
        ? parentId !== undefined && ctx.state.matters.has(parentId)
        : parentId !== undefined && ctx.state.contacts.has(parentId);
    if (!parentExists) {
      const key = input.type === 'Matter' ? 'matter' : 'contact';
      throw clioError(422, `${key}: a ${input.type} note needs an existing ${key}{id}`);
    }
    const note = createNote(ctx, {
      type: input.type,
      matter_id: input.type === 'Matter' ? parentId! : null,
      contact_id: input.type === 'Contact' ? parentId! : null,
      subject: input.subject,
      detail: input.detail ?? null,
      detail_text_type: input.detail_text_type,
      date: input.date,
    });
    return sendRecord(ctx, request, reply, noteResource, note, 201);
  });
}
