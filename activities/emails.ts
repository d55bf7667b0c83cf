import { formatCents } from '../domain/money';

import type { EmailPurpose } from '../shared/emailPurposes';

export type { EmailPurpose };

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

/** The words clients read. Factual, no pressure: what is owed, for what, and how to pay (docs/domain.md §4.5). */
export function invoiceEmail(input: {
  purpose: EmailPurpose;
  invoiceNumber: string;
  clientName: string;
  matterDescription: string;
  amountDueCents: number;
  totalCents: number;
  trustAppliedCents: number;
  payLinkUrl: string | null;
  /** YYYY-MM-DD on the firm's calendar. */
  dueDate?: string | null;
  /** The row's own message, or the firm's EMAIL_MESSAGE. */
  firmMessage?: string | null;
}): { subject: string; text: string; noteSubject: string } {
  const what = `invoice ${input.invoiceNumber}`;
  const amount = formatCents(input.amountDueCents);
  const lines = [`Dear ${input.clientName},`, ''];
  let subject: string;
  let noteSubject: string;
  if (input.purpose === 'issued') {
    subject = `Invoice ${input.invoiceNumber}: ${amount} due`;
    noteSubject = 'invoice emailed';
    lines.push(
      `Please find ${what} for ${input.matterDescription || 'your matter'}.`,
      '',
      `Invoice total: ${formatCents(input.totalCents)}`,
    );
    if (input.trustAppliedCents > 0)
      lines.push(`Paid from funds held in trust: ${formatCents(input.trustAppliedCents)}`);
    lines.push(`Amount due: ${amount}`);
    if (input.dueDate) lines.push(`Due date: ${input.dueDate}`);
    if (input.firmMessage) lines.push('', input.firmMessage);
    lines.push('', 'The invoice is attached as a PDF.');
  } else {
    const n = Number(input.purpose.slice('reminder-'.length));
    subject = `Reminder: ${what} has ${amount} outstanding`;
    noteSubject = `${ORDINALS[n - 1] ?? `reminder ${n}:`} reminder emailed`.replace(': reminder', '');
    lines.push(
      `Our records show ${amount} outstanding on ${what} for ${input.matterDescription || 'your matter'}${input.dueDate ? `, due ${input.dueDate}` : ''}.`,
    );
    if (n > 1) lines.push('', 'You can pay directly with the secure link below.');
  }
  if (input.payLinkUrl)
    lines.push(
      '',
      `View and pay online: ${input.payLinkUrl}`,
      '(The page shows the invoice and always asks for the balance due at the time you pay.)',
    );
  lines.push('', 'If you have already paid, please disregard this message. Reply to this email with any question.');
  return { subject, text: lines.join('\n'), noteSubject };
}
