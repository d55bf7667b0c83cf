-- Up Migration

-- The payments ledger keeps each processor transaction's *current* state and the amount it counts towards its
-- invoice (`effect_cents`, signed). An invoice's paid amount is the sum of its rows' effects, recomputed under the
-- matter lock: applying an event twice, or events out of order, cannot count money twice (domain/paymentEffect.ts).
ALTER TABLE processed_payments DROP CONSTRAINT processed_payments_kind_check;
ALTER TABLE processed_payments ADD CONSTRAINT processed_payments_kind_check CHECK (kind IN ('charge', 'refund', 'payout', 'dispute'));
ALTER TABLE processed_payments DROP CONSTRAINT processed_payments_state_check;
ALTER TABLE processed_payments ADD CONSTRAINT processed_payments_state_check CHECK (state IN ('applied', 'unmatched', 'ignored', 'parked', 'rejected'));
ALTER TABLE processed_payments DROP CONSTRAINT processed_payments_amount_cents_check;
ALTER TABLE processed_payments ADD CONSTRAINT processed_payments_amount_cents_check CHECK (amount_cents >= 0);
ALTER TABLE processed_payments ADD COLUMN status text NOT NULL DEFAULT 'completed'
  CHECK (status IN ('completed', 'pending', 'failed', 'voided', 'won', 'lost', 'open'));
ALTER TABLE processed_payments ADD COLUMN effect_cents bigint NOT NULL DEFAULT 0;
ALTER TABLE processed_payments ADD COLUMN currency text NOT NULL DEFAULT 'USD';
ALTER TABLE processed_payments ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
-- Rows written before this migration were applied completed charges and refunds.
UPDATE processed_payments SET effect_cents = CASE WHEN kind = 'refund' THEN -amount_cents ELSE amount_cents END WHERE state = 'applied';
CREATE INDEX processed_payments_by_matter ON processed_payments (firm_id, matter_id);

-- A matter credit applied to this invoice before trust (an earlier overpayment, or the paid part of a void invoice).
ALTER TABLE invoices ADD COLUMN credit_applied_cents bigint NOT NULL DEFAULT 0 CHECK (credit_applied_cents >= 0);
ALTER TABLE invoices DROP CONSTRAINT invoices_check;
ALTER TABLE invoices ADD CONSTRAINT invoices_prepaid_within_total CHECK (trust_applied_cents + credit_applied_cents <= total_cents);

-- Every email, recorded by key before it is sent (DESIGN §4.4): a retry never sends a `sent` message twice, on any
-- transport. `sending` means an attempt began and may or may not have reached the server; its resend reuses the
-- same Message-ID so the receiving side can drop the copy.
CREATE TABLE outbound_messages (
  firm_id          text        NOT NULL,
  idempotency_key  text        NOT NULL,
  recipient        text        NOT NULL,
  subject          text        NOT NULL,
  state            text        NOT NULL CHECK (state IN ('sending', 'sent')),
  message_id       text,
  attempts         integer     NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  PRIMARY KEY (firm_id, idempotency_key)
);

-- The write-back queue (DESIGN §4.4): notes, the matter reference and the review flag, drained per firm within the
-- vendor's rate limit. Money workflows only enqueue; nothing that moves money waits for the practice system.
CREATE TABLE practice_writebacks (
  id               bigserial   PRIMARY KEY,
  firm_id          text        NOT NULL,
  idempotency_key  text        NOT NULL,
  matter_id        text        NOT NULL,
  kind             text        NOT NULL CHECK (kind IN ('note', 'reference', 'review_flag')),
  payload          jsonb       NOT NULL,
  state            text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'dead')),
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  claimed_until    timestamptz,
  first_failed_at  timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  done_at          timestamptz,
  UNIQUE (firm_id, idempotency_key)
);
CREATE INDEX practice_writebacks_due ON practice_writebacks (firm_id, next_attempt_at) WHERE state = 'pending';

-- Processor checkouts opened from a pay link (a Stripe Checkout Session): expired when the balance they ask for is
-- no longer the balance due, so a stale session cannot take money the invoice does not owe.
CREATE TABLE processor_checkouts (
  firm_id          text        NOT NULL,
  processor        text        NOT NULL,
  checkout_id      text        NOT NULL,
  invoice_number   text        NOT NULL,
  amount_cents     bigint      NOT NULL,
  state            text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'expired')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  expired_at       timestamptz,
  PRIMARY KEY (firm_id, processor, checkout_id)
);
CREATE INDEX processor_checkouts_open ON processor_checkouts (firm_id, invoice_number) WHERE state = 'open';

-- Down Migration
DROP TABLE processor_checkouts;
DROP TABLE practice_writebacks;
DROP TABLE outbound_messages;
ALTER TABLE invoices DROP CONSTRAINT invoices_prepaid_within_total;
ALTER TABLE invoices DROP COLUMN credit_applied_cents;
ALTER TABLE invoices ADD CONSTRAINT invoices_check CHECK (trust_applied_cents + paid_cents <= total_cents OR status IN ('paid', 'void'));
DROP INDEX processed_payments_by_matter;
ALTER TABLE processed_payments DROP COLUMN updated_at;
ALTER TABLE processed_payments DROP COLUMN currency;
ALTER TABLE processed_payments DROP COLUMN effect_cents;
ALTER TABLE processed_payments DROP COLUMN status;
