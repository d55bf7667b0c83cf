-- Up Migration

-- A trust draw is confirmed by one entry of the practice system's trust ledger, or by an admin who says who they are
-- (DESIGN §4.3); never because a balance happens to match. Each ledger entry confirms at most one draw.
ALTER TABLE trust_draws
  ADD COLUMN ledger_entry_id   text,
  ADD COLUMN ledger_entry_date date,
  ADD COLUMN confirmed_by      text,
  ADD COLUMN reversed_at       timestamptz,
  ADD COLUMN reversed_by       text,
  ADD CONSTRAINT trust_draws_confirmed_by_someone CHECK (state <> 'confirmed' OR ledger_entry_id IS NOT NULL OR confirmed_by IS NOT NULL);
CREATE UNIQUE INDEX trust_draws_one_per_ledger_entry ON trust_draws (firm_id, ledger_entry_id) WHERE ledger_entry_id IS NOT NULL;

-- Confirmations made by matching a balance proved nothing: those draws go back to `recorded` and are confirmed
-- again by their ledger entry on the next read of the matter's ledger.
UPDATE trust_draws SET state = 'recorded', confirmed_at = NULL WHERE state = 'confirmed';

-- A signed trust reconciliation (`matterpay trust-report --sign-off`): the month's report as it stood, kept as a
-- snapshot. Append-only: a later correction is a new revision, never an edit (as CosmoLex locks a month).
CREATE TABLE trust_reconciliations (
  id               bigserial   PRIMARY KEY,
  firm_id          text        NOT NULL,
  month            text        NOT NULL CHECK (month ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  revision         integer     NOT NULL CHECK (revision > 0),
  signed_by        text        NOT NULL CHECK (length(trim(signed_by)) > 0),
  signed_at        timestamptz NOT NULL DEFAULT now(),
  with_exceptions  boolean     NOT NULL,
  flagged_lines    integer     NOT NULL,
  report           jsonb       NOT NULL,
  UNIQUE (firm_id, month, revision)
);

CREATE FUNCTION trust_reconciliations_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a signed trust reconciliation is never changed: sign the month again to add a correction';
END;
$$;
CREATE TRIGGER trust_reconciliations_append_only BEFORE UPDATE OR DELETE ON trust_reconciliations
  FOR EACH ROW EXECUTE FUNCTION trust_reconciliations_refuse_change();

-- Down Migration
DROP TABLE trust_reconciliations;
DROP FUNCTION trust_reconciliations_refuse_change();
DROP INDEX trust_draws_one_per_ledger_entry;
ALTER TABLE trust_draws
  DROP CONSTRAINT trust_draws_confirmed_by_someone,
  DROP COLUMN reversed_by,
  DROP COLUMN reversed_at,
  DROP COLUMN confirmed_by,
  DROP COLUMN ledger_entry_date,
  DROP COLUMN ledger_entry_id;
