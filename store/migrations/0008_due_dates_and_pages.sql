-- Up Migration

-- Due dates (PAYMENT_TERMS, or a CSV row's own): `due_at` is the firm-local midnight that starts the due date.
-- Overdue = the firm's calendar is past that date with a balance left. Older invoices get the default 30 days.
ALTER TABLE invoices ADD COLUMN due_at timestamptz;
UPDATE invoices SET due_at = issued_at + interval '30 days' WHERE issued_at IS NOT NULL;
CREATE INDEX invoices_by_due ON invoices (firm_id, due_at) WHERE status IN ('issued', 'partially_paid');

-- What a ClientPay-style upload or quick link may say for itself: the invoice date printed on it, who it goes to
-- (instead of the matter's client), a message for the email and page, and whether matterpay emails it at all
-- (`--no-email`: the firm sends the link itself).
ALTER TABLE invoices ADD COLUMN invoice_date date;
ALTER TABLE invoices ADD COLUMN recipient_name text CHECK (length(recipient_name) <= 200);
ALTER TABLE invoices ADD COLUMN recipient_email text CHECK (length(recipient_email) <= 254);
ALTER TABLE invoices ADD COLUMN custom_message text CHECK (length(custom_message) <= 2000);
ALTER TABLE invoices ADD COLUMN send_email boolean NOT NULL DEFAULT true;

-- The columns of a time line on the client's invoice: its date, hours and rate (null for a flat fee or an upload).
ALTER TABLE invoice_lines ADD COLUMN entry_date date;
ALTER TABLE invoice_lines ADD COLUMN seconds integer CHECK (seconds > 0);
ALTER TABLE invoice_lines ADD COLUMN rate_cents bigint CHECK (rate_cents >= 0);

-- Down Migration
ALTER TABLE invoice_lines DROP COLUMN rate_cents;
ALTER TABLE invoice_lines DROP COLUMN seconds;
ALTER TABLE invoice_lines DROP COLUMN entry_date;
ALTER TABLE invoices DROP COLUMN send_email;
ALTER TABLE invoices DROP COLUMN custom_message;
ALTER TABLE invoices DROP COLUMN recipient_email;
ALTER TABLE invoices DROP COLUMN recipient_name;
ALTER TABLE invoices DROP COLUMN invoice_date;
DROP INDEX invoices_by_due;
ALTER TABLE invoices DROP COLUMN due_at;
