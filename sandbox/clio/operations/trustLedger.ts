import type { ClioContext } from '../context';
import { clioError } from '../errors';
import { renderMatter } from '../representations/matters';
import type { MatterRecord, TrustLedgerRecord } from '../state';
import { nextId } from '../state';
import { emitRecordEvent } from '../webhookEvents';
import { timestamps, today, touch } from './records';

export interface TrustPosting {
  direction: 'deposit' | 'withdrawal';
  amountCents: number;
  description: string;
  /** The ledger date (YYYY-MM-DD); today when absent. */
  date?: string;
  /** Clio refuses to apply more trust to an invoice than the matter holds; other withdrawals are not stopped. */
  refuseOverdraw?: boolean;
}

function trustAccountBalanceCents(ctx: ClioContext): number {
  let balance = 0;
  for (const entry of ctx.state.trustLedger.values()) balance += entry.funds_in_cents - entry.funds_out_cents;
  return balance;
}

/**
 * Posts one line to a matter's trust ledger and moves the matter's trust balance with it, so the balance Clio shows
 * on the matter is always the sum of its ledger. The matter's `updated` webhook fires, as the balance changed.
 */
export function postTrustEntry(
  ctx: ClioContext,
  matter: MatterRecord,
  posting: TrustPosting,
  options: { silent?: boolean } = {},
): TrustLedgerRecord {
  const { amountCents } = posting;
  if (posting.direction === 'withdrawal' && posting.refuseOverdraw && amountCents > matter.trust_balance_cents) {
    throw clioError(
      422,
      `Trust draw of ${amountCents} cents exceeds the trust balance of ${matter.trust_balance_cents} cents on matter ${matter.id}`,
    );
  }
  const signed = posting.direction === 'deposit' ? amountCents : -amountCents;
  const entry: TrustLedgerRecord = {
    id: nextId(ctx.state, 'bankTransaction'),
    ...timestamps(ctx),
    bank_account_id: ctx.state.bankAccounts.trust.id,
    matter_id: matter.id,
    client_id: matter.client_id,
    date: posting.date ?? today(ctx),
    funds_in_cents: posting.direction === 'deposit' ? amountCents : 0,
    funds_out_cents: posting.direction === 'withdrawal' ? amountCents : 0,
    description: posting.description,
    transaction_type: posting.direction === 'deposit' ? 'Deposit' : 'Withdrawal',
    account_balance_after_cents: trustAccountBalanceCents(ctx) + signed,
  };
  ctx.state.trustLedger.set(entry.id, entry);
  matter.trust_balance_cents += signed;
  if (!options.silent) {
    touch(ctx, matter);
    emitRecordEvent(ctx, 'matter', 'updated', matter.id, () => renderMatter(ctx.state, matter));
  }
  return entry;
}
