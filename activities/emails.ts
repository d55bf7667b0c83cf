import { formatCents } from '../domain/money';

export type EmailPurpose = 'issued' | 'reminder-1' | 'reminder-2';

/**
 * The words clients read. Factual, no pressure: what is owed, for what, and how to pay. A payment-plan
 * installment is named as such (DESIGN §4.5).
 */
export function invoiceEmail(input: {
  purpose: EmailPurpose;
  invoiceNumber: string;
  clientName: string;
  matterDescription: string;
  amountDueCents: number;
  totalCents: number;
  trustAppliedCents: number;
  payLinkUrl: string | null;
  installment: string | null;
}): { subject: string; text: string; noteSubject: string } {
  const what = input.installment ? `installment ${input.installment} of invoice ${input.invoiceNumber}` : `invoice ${input.invoiceNumber}`;
  const amount = formatCents(input.amountDueCents);
  const lines = [`Dear ${input.clientName},`, ''];
  let subject: string;
  let noteSubject: string;
  if (input.purpose === 'issued') {
    subject = `Invoice ${input.invoiceNumber}: ${amount} due`;
    noteSubject = 'invoice emailed';
    lines.push(`Please find ${what} for ${input.matterDescription || 'your matter'}.`, '', `Invoice total: ${formatCents(input.totalCents)}`);
    if (input.trustAppliedCents > 0) lines.push(`Paid from funds held in trust: ${formatCents(input.trustAppliedCents)}`);
    lines.push(`Amount due: ${amount}`);
  } else {
    const first = input.purpose === 'reminder-1';
    subject = `Reminder: ${what} has ${amount} outstanding`;
    noteSubject = first ? 'first reminder emailed' : 'second reminder emailed';
    lines.push(`Our records show ${amount} outstanding on ${what} for ${input.matterDescription || 'your matter'}.`);
    if (!first) lines.push('', 'You can pay directly with the secure link below.');
  }
  if (input.payLinkUrl) lines.push('', `Pay online: ${input.payLinkUrl}`, '(The link always asks for the balance due at the time you open it.)');
  lines.push('', 'If you have already paid, please disregard this message. Reply to this email with any question.');
  return { subject, text: lines.join('\n'), noteSubject };
}
