import type { BillingMethod, MatterStatus } from './matter';

/** The billing trigger of docs/domain.md §4.1, as a pure decision over what the practice system says now. */
export type BillingDecision =
  | { action: 'invoice'; kind: 'hourly'; entryIds: string[]; amountCents: number; reason: 'threshold' | 'billing-date' }
  | { action: 'invoice'; kind: 'flat'; entryIds: []; amountCents: number; reason: 'billing-date' }
  | { action: 'wait'; reason: string };

export interface BillingInput {
  matter: { status: MatterStatus; billingMethod: BillingMethod; flatFeeCents: number | null };
  /** Approved entries not yet on any matterpay invoice. */
  unbilledEntries: Array<{ id: string; totalCents: number }>;
  thresholdCents: number;
  /** True when this evaluation runs because the matter's billing date arrived. */
  billingDateReached: boolean;
  /** Flat-fee matters: whether this period's flat invoice already exists. */
  flatFeeAlreadyInvoicedThisPeriod: boolean;
}

export function decideBilling(input: BillingInput): BillingDecision {
  const { matter } = input;
  if (matter.status !== 'open') return { action: 'wait', reason: `the matter is ${matter.status}` };
  switch (matter.billingMethod) {
    case 'contingency':
      return { action: 'wait', reason: 'contingency matters are never invoiced automatically' };
    case 'flat': {
      if (!input.billingDateReached)
        return { action: 'wait', reason: 'flat-fee matters are invoiced on their billing date only' };
      if (input.flatFeeAlreadyInvoicedThisPeriod)
        return { action: 'wait', reason: "this period's flat fee is already invoiced" };
      if (!matter.flatFeeCents || matter.flatFeeCents <= 0)
        return { action: 'wait', reason: 'the matter has no flat fee set' };
      return {
        action: 'invoice',
        kind: 'flat',
        entryIds: [],
        amountCents: matter.flatFeeCents,
        reason: 'billing-date',
      };
    }
    case 'hourly': {
      const amountCents = input.unbilledEntries.reduce((sum, e) => sum + e.totalCents, 0);
      if (amountCents <= 0) return { action: 'wait', reason: 'no approved unbilled time' };
      const entryIds = input.unbilledEntries.map((e) => e.id);
      if (amountCents >= input.thresholdCents)
        return { action: 'invoice', kind: 'hourly', entryIds, amountCents, reason: 'threshold' };
      if (input.billingDateReached)
        return { action: 'invoice', kind: 'hourly', entryIds, amountCents, reason: 'billing-date' };
      return { action: 'wait', reason: `approved unbilled time is below the threshold` };
    }
  }
}
