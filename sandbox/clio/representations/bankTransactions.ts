import { centsToDollars } from '../../common/money';
import type { FieldSchema } from '../fields';
import type { BankAccountRecord, ClioState, TrustLedgerRecord } from '../state';
import { BILL_FIELDS } from './bills';
import { CONTACT_FIELDS, renderContact } from './contacts';
import { MATTER_FIELDS, renderMatter } from './matters';

export const BANK_ACCOUNT_FIELDS: FieldSchema = {
  id: null,
  etag: null,
  type: null,
  name: null,
  balance: null,
  currency: null,
  default_account: null,
  clio_payments_enabled: null,
  clio_payment_page_link: null,
  created_at: null,
  updated_at: null,
};

export const BANK_TRANSACTION_FIELDS: FieldSchema = {
  id: null,
  etag: null,
  amount: null,
  funds_in: null,
  funds_out: null,
  date: null,
  description: null,
  confirmation: null,
  source: null,
  transaction_type: null,
  clio_payments_transaction: null,
  current_account_balance: null,
  bank_account_id: null,
  client: CONTACT_FIELDS,
  matter: MATTER_FIELDS,
  bill: BILL_FIELDS,
  allocation: { id: null, etag: null, amount: null },
  created_at: null,
  updated_at: null,
};

export function renderBankAccount(state: ClioState, account: BankAccountRecord): Record<string, unknown> {
  let balance = 0;
  for (const entry of state.trustLedger.values()) {
    if (entry.bank_account_id === account.id) balance += entry.funds_in_cents - entry.funds_out_cents;
  }
  return {
    id: account.id,
    etag: account.etag,
    type: account.type,
    name: account.name,
    balance: centsToDollars(balance),
    currency: 'USD',
    default_account: account.type === 'Operating',
    clio_payments_enabled: false,
    clio_payment_page_link: null,
    created_at: account.created_at,
    updated_at: account.updated_at,
  };
}

/** Dollars as Clio speaks them; `amount` is the size of the movement, its direction is in `funds_in`/`funds_out`. */
export function renderBankTransaction(state: ClioState, entry: TrustLedgerRecord): Record<string, unknown> {
  const matter = state.matters.get(entry.matter_id);
  const client = state.contacts.get(entry.client_id);
  return {
    id: entry.id,
    etag: entry.etag,
    amount: centsToDollars(entry.funds_in_cents || entry.funds_out_cents),
    funds_in: centsToDollars(entry.funds_in_cents),
    funds_out: centsToDollars(entry.funds_out_cents),
    date: entry.date,
    description: entry.description,
    confirmation: null,
    source: null,
    transaction_type: entry.transaction_type,
    clio_payments_transaction: false,
    current_account_balance: centsToDollars(entry.account_balance_after_cents),
    bank_account_id: entry.bank_account_id,
    client: client ? renderContact(client) : null,
    matter: matter ? renderMatter(state, matter) : null,
    bill: null,
    allocation: null,
    created_at: entry.created_at,
    updated_at: entry.updated_at,
  };
}
