import type { ClioContext } from '../context';
import type { NoteRecord } from '../state';
import { nextId } from '../state';
import { timestamps, today } from './records';

export interface NewNote {
  type: NoteRecord['type'];
  matter_id: number | null;
  contact_id: number | null;
  subject: string;
  detail: string | null;
  detail_text_type?: NoteRecord['detail_text_type'];
  date?: string;
}

/** Notes are not a webhook model in Clio, so creating one fires nothing. */
export function createNote(ctx: ClioContext, input: NewNote): NoteRecord {
  const note: NoteRecord = {
    id: nextId(ctx.state, 'note'),
    ...timestamps(ctx),
    type: input.type,
    matter_id: input.matter_id,
    contact_id: input.contact_id,
    subject: input.subject,
    detail: input.detail,
    detail_text_type: input.detail_text_type ?? 'plain_text',
    date: input.date ?? today(ctx),
    author_id: ctx.state.user.id,
  };
  ctx.state.notes.set(note.id, note);
  return note;
}
