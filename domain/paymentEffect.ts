/**
 * What one processor transaction counts towards its invoice, from its kind and its *current* status. The payments
 * ledger stores this per transaction and an invoice's paid amount is their sum: so a duplicate event, a replay, or
 * a refund that arrives before its charge cannot count money twice or leave a wrong balance.
 */
export type LedgerKind = 'charge' | 'refund' | 'payout' | 'dispute';
export type LedgerStatus = 'completed' | 'pending' | 'failed' | 'voided' | 'open' | 'won' | 'lost';

export function ledgerEffectCents(kind: LedgerKind, status: LedgerStatus, amountCents: number): number {
  switch (kind) {
    case 'charge':
      return status === 'completed' ? amountCents : 0;
    case 'refund':
      return status === 'completed' ? -amountCents : 0;
    case 'dispute':
      // Disputed funds are withdrawn from the firm when the dispute opens; they come back only if it is won.
      return status === 'open' || status === 'lost' ? -amountCents : 0;
    case 'payout':
      // Money the firm paid out (a LawPay CREDIT) is never a client's payment on an invoice.
      return 0;
  }
}

/** The paid amount of an invoice: the net of its ledger rows. */
export function netPaidCents(rows: Array<{ effectCents: number }>): number {
  return rows.reduce((sum, row) => sum + row.effectCents, 0);
}

/**
 * A change that takes back money the invoice had counted (a charge voided after it was applied, a refund, a
 * dispute opened): the firm is told, since it may have relied on that money.
 */
export function isReversal(previousEffectCents: number, nextEffectCents: number): boolean {
  return nextEffectCents < previousEffectCents;
}
