-- Up Migration

-- One Clio connection per firm: the region's host and the OAuth tokens, sealed with AES-256-GCM (store/encryption.ts).
CREATE TABLE clio_connections (
  firm_id               text        PRIMARY KEY,
  base_url              text        NOT NULL,
  access_token_sealed   text        NOT NULL,
  refresh_token_sealed  text        NOT NULL,
  expires_at            timestamptz NOT NULL,
  connected_at          timestamptz NOT NULL DEFAULT now(),
  refreshed_at          timestamptz NOT NULL DEFAULT now()
);

-- The webhooks matterpay registered at Clio, so deliveries can be tied to a firm and verified with their secret.
CREATE TABLE clio_webhooks (
  firm_id               text        NOT NULL,
  webhook_id            text        NOT NULL,
  model                 text        NOT NULL,
  shared_secret_sealed  text        NOT NULL,
  status                text        NOT NULL,
  expires_at            timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (webhook_id),
  UNIQUE (firm_id, model)
);

-- Writes matterpay made to the practice system (notes, reference, review flag), by idempotency key: the record
-- that lets a retried activity skip a write that already happened.
CREATE TABLE practice_writes (
  firm_id          text        NOT NULL,
  idempotency_key  text        NOT NULL,
  matter_id        text        NOT NULL,
  kind             text        NOT NULL CHECK (kind IN ('note', 'reference', 'review_flag')),
  remote_id        text,
  written_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (firm_id, idempotency_key)
);

-- Down Migration
DROP TABLE practice_writes;
DROP TABLE clio_webhooks;
DROP TABLE clio_connections;
