export interface NoteFact {
  /** The fact's own idempotency key (`invoice/00001-Smith-1/trust-draw`): its marker stays findable in the note. */
  key: string;
  subject: string;
  detail: string;
}

export interface CoalescedNote {
  /** The key the note is written (and, on a retry, looked for) under: its first fact's. */
  key: string;
  subject: string;
  detail: string;
  /** The other facts' keys, marked in the note as well, so a search for any one fact's marker finds it. */
  alsoKeys: string[];
}

const INVOICE_SUBJECT = /^(Invoice \S+?)(?::\s*|\s+)(.+)$/;

/**
 * The notes of one moment as the one note the firm reads: one subject naming every fact, each fact's full text as a
 * paragraph of its own (amounts, invoice number, transaction id, exactly as the note of its own said them). Subjects
 * about the same invoice share its name once: "Invoice 00001-Smith-1: drafted; trust draw; invoice emailed".
 */
export function coalescedNote(facts: readonly NoteFact[]): CoalescedNote {
  const [first, ...rest] = facts;
  if (!first) throw new Error('a note needs at least one fact');
  if (rest.length === 0) return { key: first.key, subject: first.subject, detail: first.detail, alsoKeys: [] };
  return {
    key: first.key,
    subject: combinedSubject(facts.map((f) => f.subject)),
    detail: facts.map((f) => f.detail).join('\n\n'),
    alsoKeys: rest.map((f) => f.key),
  };
}

function combinedSubject(subjects: string[]): string {
  const parts = subjects.map((s) => INVOICE_SUBJECT.exec(s));
  const invoice = parts[0]?.[1];
  if (invoice && parts.every((p) => p?.[1] === invoice)) return `${invoice}: ${parts.map((p) => p![2]).join('; ')}`;
  return subjects.join('; ');
}
