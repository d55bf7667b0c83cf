-- Up Migration

-- Invoices uploaded by an admin (`matterpay send-csv`): one line each, several may share a matter and period.
ALTER TABLE invoices DROP CONSTRAINT invoices_kind_check;
ALTER TABLE invoices ADD CONSTRAINT invoices_kind_check CHECK (kind IN ('hourly', 'flat', 'manual'));
DROP INDEX invoices_one_open_draft;
CREATE UNIQUE INDEX invoices_one_open_draft ON invoices (firm_id, matter_id, kind, period)
  WHERE status IN ('draft', 'awaiting_approval') AND kind <> 'manual';

-- Down Migration
DROP INDEX invoices_one_open_draft;
CREATE UNIQUE INDEX invoices_one_open_draft ON invoices (firm_id, matter_id, kind, period) WHERE status IN ('draft', 'awaiting_approval');
ALTER TABLE invoices DROP CONSTRAINT invoices_kind_check;
ALTER TABLE invoices ADD CONSTRAINT invoices_kind_check CHECK (kind IN ('hourly', 'flat'));
