-- Up Migration

-- Every change to an invoice's row takes the next revision, whoever makes it. A payment's wake-up carries the invoice
-- as its own transaction left it, with this revision, so the invoice's workflow can take the newest of what it is
-- told without reading the row again, and can tell a late wake-up from a newer one (docs/domain.md §4.6). Revisions
-- must only go up: the down migration, or a restore from a backup under running workflows, makes later wake-ups look
-- old to them until each invoice next reads the store.
ALTER TABLE invoices ADD COLUMN revision bigint NOT NULL DEFAULT 0;

CREATE FUNCTION invoices_take_next_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.revision := OLD.revision + 1;
  RETURN NEW;
END
$$;

CREATE TRIGGER invoices_revision BEFORE UPDATE ON invoices
  FOR EACH ROW EXECUTE FUNCTION invoices_take_next_revision();

-- Down Migration
DROP TRIGGER invoices_revision ON invoices;
DROP FUNCTION invoices_take_next_revision();
ALTER TABLE invoices DROP COLUMN revision;
