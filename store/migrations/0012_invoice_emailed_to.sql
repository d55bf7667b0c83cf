-- Up Migration

-- Who the invoice's email went to (the client's name and address as the practice system had them when it was sent),
-- so the receipt for a payment goes to the address that received the invoice without a practice-system read per
-- payment (Clio's budget is 50 calls a minute at peak). Null until an email is sent.
ALTER TABLE invoices ADD COLUMN emailed_to_name text;
ALTER TABLE invoices ADD COLUMN emailed_to_email text;

-- Down Migration
ALTER TABLE invoices DROP COLUMN emailed_to_email;
ALTER TABLE invoices DROP COLUMN emailed_to_name;
