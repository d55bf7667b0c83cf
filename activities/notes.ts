import { activityInfo } from '@temporalio/activity';
import { PracticeWriteRepository } from '../store/practiceWrites';
import type { ActivityDeps } from './deps';

export interface MatterNoteRequest {
  firmId: string;
  matterId: string;
  /** Names the note: the same key never writes a second note (e.g. `invoice/00001-Smith-1/issued`). */
  key: string;
  subject: string;
  detail: string;
  date: string;
}

export function noteActivities(deps: ActivityDeps) {
  const writes = new PracticeWriteRepository(deps.db);
  return {
    /**
     * Idempotent by `key`: the store says whether it was written; on a retry (when an earlier attempt may have
     * written it and died before recording) the practice system is searched for the note's marker first.
     */
    async writeMatterNote(request: MatterNoteRequest): Promise<'written' | 'already written'> {
      return writeNoteOnce(deps, writes, request);
    },
  };
}

/** The one way matterpay writes a note: by key, checked against the store, and on a retry against Clio itself. */
export async function writeNoteOnce(deps: ActivityDeps, writes: PracticeWriteRepository, request: MatterNoteRequest): Promise<'written' | 'already written'> {
  if (await writes.find(request.firmId, request.key)) return 'already written';
  const { practice } = deps.firm(request.firmId);
  const result = await practice.addMatterNote(request.matterId, { subject: request.subject, detail: request.detail, date: request.date },
    request.key, { checkFirst: safeAttempt() > 1 });
  await writes.record(request.firmId, request.key, request.matterId, 'note', result.noteId);
  return result.created ? 'written' : 'already written';
}

function safeAttempt(): number {
  try {
    return activityInfo().attempt;
  } catch {
    return 1;
  }
}
