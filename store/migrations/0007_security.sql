-- Up Migration

-- Which Clio user approved the connection (`who_am_i`): another account replaces it only with `connect clio --replace`.
ALTER TABLE clio_connections ADD COLUMN clio_user_id text, ADD COLUMN clio_user_name text;

-- Start links minted by `matterpay connect clio` (issue 10): single-use, short-lived, stored only as hashes. The
-- start route trades the link for an OAuth `state` (also hashed), which the callback consumes once.
CREATE TABLE clio_connect_requests (
  request_hash     text        PRIMARY KEY,
  firm_id          text        NOT NULL,
  replace_allowed  boolean     NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  state_hash       text        UNIQUE,
  started_at       timestamptz,
  completed_at     timestamptz,
  outcome          text        CHECK (outcome IN ('connected', 'refused-other-account', 'failed'))
);
CREATE INDEX clio_connect_requests_by_firm ON clio_connect_requests (firm_id, created_at);

-- Sealed values move from v1 (no associated data) to v2 (bound to firm and purpose). SQL cannot hold the key, so
-- store/resealSecrets.ts re-seals the rows right after the migrations, in the process that has the key.

-- Down Migration
DROP TABLE clio_connect_requests;
ALTER TABLE clio_connections DROP COLUMN clio_user_name, DROP COLUMN clio_user_id;
