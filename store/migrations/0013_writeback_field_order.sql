-- Up Migration

-- A field write-back (the client reference, the review flag) reads the matter and writes it back: two of one kind on
-- one matter are claimed one at a time, in the order queued (store/writebacks.ts, claimDue). This index finds the
-- earlier pending one of a row's matter and kind.
CREATE INDEX practice_writebacks_matter_kind ON practice_writebacks (firm_id, matter_id, kind, id) WHERE state = 'pending';

-- Down Migration
DROP INDEX practice_writebacks_matter_kind;
