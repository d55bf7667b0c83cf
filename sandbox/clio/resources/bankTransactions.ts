import type { FastifyInstance } from 'fastify';
import type { ClioContext } from '../context';
import type { Query } from '../queryParams';
import { positiveInteger } from '../queryParams';
import {
  BANK_ACCOUNT_FIELDS,
  BANK_TRANSACTION_FIELDS,
  renderBankAccount,
  renderBankTransaction,
} from '../representations/bankTransactions';
import type { BankAccountRecord, TrustLedgerRecord } from '../state';
import type { ReadableResource } from './readRoutes';
import { registerReadRoutes } from './readRoutes';

function filterTransactions(_ctx: ClioContext, entries: TrustLedgerRecord[], query: Query): TrustLedgerRecord[] {
  const matterId = positiveInteger(query, 'matter_id');
  const clientId = positiveInteger(query, 'client_id');
  const bankAccountId = positiveInteger(query, 'bank_account_id');
  return entries.filter(
    (entry) =>
      (matterId === undefined || entry.matter_id === matterId) &&
      (clientId === undefined || entry.client_id === clientId) &&
      (bankAccountId === undefined || entry.bank_account_id === bankAccountId),
  );
}

export const bankTransactionResource: ReadableResource<TrustLedgerRecord> = {
  name: 'BankTransaction',
  path: '/api/v4/bank_transactions',
  fields: BANK_TRANSACTION_FIELDS,
  sortable: ['id', 'date', 'created_at', 'updated_at'],
  records: (ctx) => ctx.state.trustLedger,
  filter: filterTransactions,
  render: (ctx, entry) => renderBankTransaction(ctx.state, entry),
};

export const bankAccountResource: ReadableResource<BankAccountRecord> = {
  name: 'BankAccount',
  path: '/api/v4/bank_accounts',
  fields: BANK_ACCOUNT_FIELDS,
  sortable: ['id', 'name', 'created_at', 'updated_at'],
  records: (ctx) =>
    new Map([ctx.state.bankAccounts.operating, ctx.state.bankAccounts.trust].map((account) => [account.id, account])),
  render: (ctx, account) => renderBankAccount(ctx.state, account),
};

/**
 * Clio's bank transactions are read-only through the API (GET list and one); entries come from the bookkeeper
 * (the `/__sandbox/trust/...` control routes). Bank accounts are listed read-only here (Clio also creates them).
 */
export function registerBankRoutes(api: FastifyInstance, ctx: ClioContext): void {
  registerReadRoutes(api, ctx, bankTransactionResource);
  registerReadRoutes(api, ctx, bankAccountResource);
}
