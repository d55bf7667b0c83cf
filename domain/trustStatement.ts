import { formatCents } from './money';
import { monthBounds } from './trustReconciliation';

/**
 * A client's trust statement (docs/domain.md §4.3, TRUST.md §3): what came into and went out of the client's trust funds in
 * a month, so the client understands the balance. It is never a bill: it carries no link and asks for nothing.
 */

export interface StatementLedgerLine {
  id: string;
  date: string;
  depositCents: number;
  withdrawalCents: number;
  description: string;
  /** The invoice a withdrawal paid, when it confirmed one of matterpay's draws. */
  invoiceNumber: string | null;
}

export interface TrustStatementInput {
  month: string;
  clientName: string;
  matterDisplayNumber: string;
  matterDescription: string;
  /** Every ledger line of the matter (any date): the opening balance is what came before the month. */
  ledger: StatementLedgerLine[];
  /** Draws matterpay recorded that the ledger does not show yet. */
  pendingDraws: Array<{ invoiceNumber: string; amountCents: number }>;
}

export interface TrustStatement {
  openingCents: number;
  depositsCents: number;
  withdrawalsCents: number;
  closingCents: number;
  subject: string;
  text: string;
}

/** Null when the matter had no trust activity in the month: only clients with activity get a statement. */
export function trustStatement(input: TrustStatementInput): TrustStatement | null {
  const { start, end } = monthBounds(input.month);
  const sorted = [...input.ledger].sort(
    (a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id, undefined, { numeric: true }),
  );
  const inMonth = sorted.filter((l) => l.date >= start && l.date <= end);
  if (inMonth.length === 0) return null;
  const openingCents = sorted.filter((l) => l.date < start).reduce((s, l) => s + l.depositCents - l.withdrawalCents, 0);
  const depositsCents = inMonth.reduce((s, l) => s + l.depositCents, 0);
  const withdrawalsCents = inMonth.reduce((s, l) => s + l.withdrawalCents, 0);
  const closingCents = openingCents + depositsCents - withdrawalsCents;

  const lines = [
    `Dear ${input.clientName},`,
    '',
    `This is the statement of the funds we hold in trust for you on matter ${input.matterDisplayNumber}${input.matterDescription ? ` (${input.matterDescription})` : ''}, for ${start} to ${end}.`,
    'It is for your information only: nothing is owed on it.',
    '',
    `Opening balance on ${start}: ${formatCents(openingCents)}`,
    '',
  ];
  let balance = openingCents;
  for (const l of inMonth) {
    balance += l.depositCents - l.withdrawalCents;
    const what =
      l.depositCents > 0
        ? `Deposit ${formatCents(l.depositCents)}: ${l.description}`
        : `Withdrawal ${formatCents(l.withdrawalCents)}: ${l.invoiceNumber ? `applied to invoice ${l.invoiceNumber}` : l.description}`;
    lines.push(`  ${l.date}  ${what}  (balance ${formatCents(balance)})`);
  }
  lines.push(
    '',
    `Deposits: ${formatCents(depositsCents)}`,
    `Withdrawals: ${formatCents(withdrawalsCents)}`,
    `Closing balance on ${end}: ${formatCents(closingCents)}`,
  );
  if (input.pendingDraws.length > 0) {
    lines.push('', 'Applied to invoices and not yet in the ledger above (they appear on a statement once posted):');
    for (const d of input.pendingDraws) lines.push(`  ${formatCents(d.amountCents)} to invoice ${d.invoiceNumber}`);
  }
  lines.push('', 'Reply to this email with any question about these funds.');
  return {
    openingCents,
    depositsCents,
    withdrawalsCents,
    closingCents,
    subject: `Trust statement for ${input.month}: matter ${input.matterDisplayNumber}`,
    text: lines.join('\n'),
  };
}
