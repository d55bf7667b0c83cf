-- Up Migration

-- The invoice of record (DESIGN §4.2). Amount due = total - trust applied - paid (refunds lower paid).
CREATE TABLE invoices (
  firm_id               text        NOT NULL,
  invoice_number        text        NOT NULL,
  matter_id             text        NOT NULL,
  matter_display_number text        NOT NULL,
  sequence              integer     NOT NULL CHECK (sequence > 0),
  kind                  text        NOT NULL CHECK (kind IN ('hourly', 'flat')),
  period                text        NOT NULL CHECK (period ~ '^\d{4}-\d{2}$'),
  status                text        NOT NULL CHECK (status IN ('draft', 'awaiting_approval', 'issued', 'partially_paid', 'paid', 'void')),
  total_cents           bigint      NOT NULL CHECK (total_cents > 0),
  trust_applied_cents   bigint      NOT NULL DEFAULT 0 CHECK (trust_applied_cents >= 0),
  paid_cents            bigint      NOT NULL DEFAULT 0,
  delivery              text        NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'sent', 'held', 'not_needed')),
  approved_by           text,
  approved_at           timestamptz,
  issued_at             timestamptz,
  settled_at            timestamptz,
  voided_at             timestamptz,
  escalated_at          timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (firm_id, invoice_number),
  UNIQUE (firm_id, matter_id, sequence),
  CHECK (trust_applied_cents + paid_cents <= total_cents OR status IN ('paid', 'void'))
);
-- Before drafting, an open draft for the same matter and period is reused: never two drafts racing each other.
CREATE UNIQUE INDEX invoices_one_open_draft ON invoices (firm_id, matter_id, kind, period) WHERE status IN ('draft', 'awaiting_approval');
-- A flat fee is billed once per period.
CREATE UNIQUE INDEX invoices_one_flat_fee_per_period ON invoices (firm_id, matter_id, period) WHERE kind = 'flat' AND status <> 'void';
CREATE INDEX invoices_by_status ON invoices (firm_id, status);

-- What an invoice bills. A time entry is on at most one invoice: the primary key says so, not a hope.
CREATE TABLE invoice_lines (
  firm_id         text    NOT NULL,
  invoice_number  text    NOT NULL,
  line_key        text    NOT NULL,   -- 'entry:<id>' for time, 'flat:<period>' for a flat fee
  description     text    NOT NULL,
  amount_cents    bigint  NOT NULL CHECK (amount_cents > 0),
  PRIMARY KEY (firm_id, line_key),
  FOREIGN KEY (firm_id, invoice_number) REFERENCES invoices (firm_id, invoice_number) ON DELETE CASCADE
);

-- Trust draws, append-only (DESIGN §4.3): one per invoice; confirmed when the practice system's balance shows it.
CREATE TABLE trust_draws (
  id                            bigserial   PRIMARY KEY,
  firm_id                       text        NOT NULL,
  matter_id                     text        NOT NULL,
  invoice_number                text        NOT NULL,
  amount_cents                  bigint      NOT NULL CHECK (amount_cents > 0),
  practice_balance_seen_cents   bigint      NOT NULL,
  expected_balance_after_cents  bigint      NOT NULL,
  state                         text        NOT NULL DEFAULT 'recorded' CHECK (state IN ('recorded', 'confirmed', 'reversed')),
  recorded_at                   timestamptz NOT NULL DEFAULT now(),
  confirmed_at                  timestamptz,
  UNIQUE (firm_id, invoice_number),
  FOREIGN KEY (firm_id, invoice_number) REFERENCES invoices (firm_id, invoice_number)
);
CREATE INDEX trust_draws_by_matter ON trust_draws (firm_id, matter_id, state);

-- Pay links (DESIGN §4.4): an unguessable token per invoice; at most one outstanding at a time.
CREATE TABLE pay_links (
  token           text        PRIMARY KEY,
  firm_id         text        NOT NULL,
  invoice_number  text        NOT NULL,
  status          text        NOT NULL DEFAULT 'outstanding' CHECK (status IN ('outstanding', 'paid', 'cancelled', 'expired')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  closed_at       timestamptz,
  opened_count    integer     NOT NULL DEFAULT 0,
  last_opened_at  timestamptz,
  FOREIGN KEY (firm_id, invoice_number) REFERENCES invoices (firm_id, invoice_number)
);
CREATE UNIQUE INDEX pay_links_one_outstanding ON pay_links (firm_id, invoice_number) WHERE status = 'outstanding';

-- Every payment applied, once (DESIGN §4.6): the store-side half of exactly-once.
CREATE TABLE processed_payments (
  firm_id         text        NOT NULL,
  processor       text        NOT NULL CHECK (processor IN ('lawpay', 'stripe')),
  transaction_id  text        NOT NULL,
  kind            text        NOT NULL CHECK (kind IN ('charge', 'refund')),
  amount_cents    bigint      NOT NULL CHECK (amount_cents > 0),
  reference       text,
  invoice_number  text,
  matter_id       text,
  state           text        NOT NULL CHECK (state IN ('applied', 'unmatched', 'ignored')),
  detail          text,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (firm_id, processor, transaction_id, kind)
);
CREATE INDEX processed_payments_by_invoice ON processed_payments (firm_id, invoice_number);

-- Things a person must look at: a held delivery, an unmatched payment, an unconfirmed trust draw.
CREATE TABLE alerts (
  id           bigserial   PRIMARY KEY,
  firm_id      text        NOT NULL,
  kind         text        NOT NULL,
  subject      text        NOT NULL,
  message      text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  resolved_at  timestamptz,
  UNIQUE (firm_id, kind, subject)
);

-- Down Migration
DROP TABLE alerts;
DROP TABLE processed_payments;
DROP TABLE pay_links;
DROP TABLE trust_draws;
DROP TABLE invoice_lines;
DROP TABLE invoices;
