/** The in-memory records of one Clio sandbox. Internal shapes; the API shapes live in representations/. */

export type MatterStatus = 'Open' | 'Pending' | 'Closed';
export type BillingMethod = 'hourly' | 'flat' | 'contingency';

export interface ContactRecord {
  id: number;
  etag: string;
  type: 'Person' | 'Company';
  name: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  email_address_id: number | null;
  is_client: boolean;
  created_at: string;
  updated_at: string;
}

export interface CustomFieldValueRecord {
  /** Clio's custom field value ids are strings ("numeric-17"). */
  id: string;
  etag: string;
  custom_field_id: number;
  value: string | number | boolean | null;
  created_at: string;
  updated_at: string;
}

export interface MatterRecord {
  id: number;
  etag: string;
  number: number;
  display_number: string;
  description: string;
  status: MatterStatus;
  client_id: number;
  billing_method: BillingMethod;
  open_date: string | null;
  pending_date: string | null;
  close_date: string | null;
  client_reference: string | null;
  trust_balance_cents: number;
  custom_field_values: CustomFieldValueRecord[];
  created_at: string;
  updated_at: string;
}

export interface ActivityRecord {
  id: number;
  etag: string;
  type: 'TimeEntry';
  date: string;
  quantity_seconds: number;
  rate_cents: number;
  total_cents: number;
  note: string | null;
  non_billable: boolean;
  no_charge: boolean;
  /** Sandbox-only: a partial save the lawyer has not submitted yet. Never exposed as a field. */
  draft: boolean;
  billed: boolean;
  on_bill: boolean;
  matter_id: number;
  user_id: number;
  created_at: string;
  updated_at: string;
}

export interface NoteRecord {
  id: number;
  etag: string;
  type: 'Matter' | 'Contact';
  matter_id: number | null;
  contact_id: number | null;
  subject: string;
  detail: string | null;
  detail_text_type: 'plain_text' | 'rich_text';
  date: string;
  author_id: number;
  created_at: string;
  updated_at: string;
}

export const CUSTOM_FIELD_TYPES = [
  'checkbox',
  'contact',
  'currency',
  'date',
  'time',
  'email',
  'matter',
  'numeric',
  'picklist',
  'text_area',
  'text_line',
  'url',
] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export interface CustomFieldRecord {
  id: number;
  etag: string;
  name: string;
  parent_type: 'Matter' | 'Contact';
  field_type: CustomFieldType;
  displayed: boolean;
  required: boolean;
  display_order: number;
  created_at: string;
  updated_at: string;
}

export type WebhookStatus = 'pending' | 'enabled' | 'suspended';

export interface WebhookRecord {
  id: number;
  etag: string;
  url: string;
  model: string;
  events: string[];
  fields: string | null;
  status: WebhookStatus;
  shared_secret: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
  /** Last payload sent per record, so `updated` fires only when a watched field changed. */
  lastPayloadByRecord: Map<number, string>;
}

/** Bills cannot be created through Clio's API; the sandbox never has any, but lists them faithfully (empty). */
export interface BillRecord {
  id: number;
  etag: string;
  created_at: string;
  updated_at: string;
}

export interface UserRecord {
  id: number;
  etag: string;
  name: string;
  first_name: string;
  last_name: string;
  email: string;
  created_at: string;
  updated_at: string;
}

export interface BankAccountRecord {
  id: number;
  etag: string;
  name: string;
  type: 'Operating' | 'Trust';
  created_at: string;
  updated_at: string;
}

/**
 * One line of a matter's trust ledger (Clio's `bank_transactions` on the trust account). Exactly one of
 * `funds_in_cents` / `funds_out_cents` is above zero. The ledger has a date, not a time; `created_at` is when it
 * was entered.
 */
export interface TrustLedgerRecord {
  id: number;
  etag: string;
  bank_account_id: number;
  matter_id: number;
  client_id: number;
  date: string;
  funds_in_cents: number;
  funds_out_cents: number;
  description: string;
  transaction_type: 'Deposit' | 'Withdrawal';
  /** The trust account's balance after this entry (Clio's `current_account_balance`). */
  account_balance_after_cents: number;
  created_at: string;
  updated_at: string;
}

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  expiresAt: number;
  /** The Clio user who approved the app: the grant acts as that user. */
  userId: number;
}

export interface AccessTokenRecord {
  expiresAt: number;
  refreshToken: string;
  userId: number;
}

export interface RefreshTokenRecord {
  clientId: string;
  userId: number;
}

export interface ClioState {
  sequences: Record<
    | 'contact'
    | 'matter'
    | 'matterNumber'
    | 'activity'
    | 'note'
    | 'customField'
    | 'customFieldValue'
    | 'webhook'
    | 'emailAddress'
    | 'bankTransaction',
    number
  >;
  /** The firm's first user: owns time entries and notes. */
  user: UserRecord;
  /** Every user account, the first included (`who_am_i` answers with the token's user). */
  users: Map<number, UserRecord>;
  /** Who is signed in to Clio in the admin's browser, and so approves `/oauth/authorize`. */
  signedInUserId: number;
  bankAccounts: { operating: BankAccountRecord; trust: BankAccountRecord };
  contacts: Map<number, ContactRecord>;
  matters: Map<number, MatterRecord>;
  activities: Map<number, ActivityRecord>;
  notes: Map<number, NoteRecord>;
  customFields: Map<number, CustomFieldRecord>;
  bills: Map<number, BillRecord>;
  trustLedger: Map<number, TrustLedgerRecord>;
  webhooks: Map<number, WebhookRecord>;
  authorizationCodes: Map<string, AuthorizationCode>;
  accessTokens: Map<string, AccessTokenRecord>;
  /** Clio Manage refresh tokens never expire and may be reused. */
  refreshTokens: Map<string, RefreshTokenRecord>;
}

export function createClioState(now: string, user: { name: string; email: string }): ClioState {
  const first = userRecord(1, user, now);
  return {
    // Distinct starting points make a mixed-up id (matter id used as activity id) fail loudly in tests.
    sequences: {
      contact: 5000,
      matter: 1000,
      matterNumber: 0,
      activity: 20000,
      note: 40000,
      customField: 300,
      customFieldValue: 700,
      webhook: 90,
      emailAddress: 8000,
      bankTransaction: 60000,
    },
    user: first,
    users: new Map([[first.id, first]]),
    signedInUserId: first.id,
    bankAccounts: {
      operating: {
        id: 11,
        etag: '"bank-11"',
        name: 'Operating Account',
        type: 'Operating',
        created_at: now,
        updated_at: now,
      },
      trust: { id: 12, etag: '"bank-12"', name: 'Trust Account', type: 'Trust', created_at: now, updated_at: now },
    },
    contacts: new Map(),
    matters: new Map(),
    activities: new Map(),
    notes: new Map(),
    customFields: new Map(),
    bills: new Map(),
    trustLedger: new Map(),
    webhooks: new Map(),
    authorizationCodes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
  };
}

export function nextId(state: ClioState, sequence: keyof ClioState['sequences']): number {
  state.sequences[sequence] += 1;
  return state.sequences[sequence];
}

export function userRecord(id: number, user: { name: string; email: string }, now: string): UserRecord {
  const [firstName = user.name, ...rest] = user.name.split(' ');
  return {
    id,
    etag: `"user-${id}"`,
    name: user.name,
    first_name: firstName,
    last_name: rest.join(' '),
    email: user.email,
    created_at: now,
    updated_at: now,
  };
}
