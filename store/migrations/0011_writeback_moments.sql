-- Up Migration

-- The notes of one moment (an invoice drafted, its trust drawn, issued and emailed) are written to the practice
-- system as one note (issue 14: Clio's budget is 50 calls a minute at peak). `moment_key` names the moment its rows
-- share; `batch_id` is fixed when the drain first claims them, so a retry writes, or finds, exactly the same note.
ALTER TABLE practice_writebacks ADD COLUMN moment_key text;
ALTER TABLE practice_writebacks ADD COLUMN batch_id bigint;
CREATE INDEX practice_writebacks_moment ON practice_writebacks (firm_id, moment_key) WHERE state = 'pending' AND moment_key IS NOT NULL;
CREATE INDEX practice_writebacks_batch ON practice_writebacks (batch_id) WHERE batch_id IS NOT NULL;

-- Down Migration
DROP INDEX practice_writebacks_batch;
DROP INDEX practice_writebacks_moment;
ALTER TABLE practice_writebacks DROP COLUMN batch_id;
ALTER TABLE practice_writebacks DROP COLUMN moment_key;
