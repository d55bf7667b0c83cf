-- Up Migration

-- The matter-ID lookup table (DESIGN §4.6): which practice-management matter a processor-side reference belongs to.
-- processor = 'any' holds the canonical reference (the matter display number embedded in every invoice number);
-- 'lawpay' / 'stripe' hold legacy references mapped by backfill or by an admin.
CREATE TABLE matter_links (
  firm_id               text        NOT NULL,
  processor             text        NOT NULL CHECK (processor IN ('any', 'lawpay', 'stripe')),
  external_reference    text        NOT NULL CHECK (length(external_reference) BETWEEN 1 AND 255),
  practice_matter_id    text        NOT NULL,
  matter_display_number text        NOT NULL,
  source                text        NOT NULL CHECK (source IN ('canonical', 'backfill', 'webhook', 'admin')),
  created_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (firm_id, processor, external_reference)
);
CREATE INDEX matter_links_by_matter ON matter_links (firm_id, practice_matter_id);

-- Every external event matterpay has accepted, once: the store-side half of "exactly once".
CREATE TABLE processed_events (
  firm_id      text        NOT NULL,
  source       text        NOT NULL CHECK (source IN ('clio', 'lawpay', 'stripe', 'sweep')),
  event_id     text        NOT NULL,
  event_type   text        NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (firm_id, source, event_id)
);

-- Down Migration
DROP TABLE processed_events;
DROP TABLE matter_links;
