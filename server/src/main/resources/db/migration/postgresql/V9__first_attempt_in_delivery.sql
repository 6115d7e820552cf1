-- A delivery's first attempt is kept in the delivery's own row; only its later attempts (retries, resends) are rows
-- of the attempt table. Most deliveries succeed at once, and recording their one attempt as a row of its own was a
-- quarter of the store's work per delivery: an insert into the attempt table and its three indexes, where the
-- delivery row is updated by the same outcome anyway (docs/performance.md, twenty-third and twenty-fourth
-- sessions). The attempt lists read both (delivery/AttemptRepository). attempt_id is NULL until the first attempt.
ALTER TABLE delivery ADD COLUMN attempt_id TEXT COLLATE "C";
ALTER TABLE delivery ADD COLUMN attempt_url TEXT;
ALTER TABLE delivery ADD COLUMN attempt_status INTEGER;
ALTER TABLE delivery ADD COLUMN attempt_status_code INTEGER;
ALTER TABLE delivery ADD COLUMN attempt_response TEXT;
ALTER TABLE delivery ADD COLUMN attempt_duration_ms BIGINT;
ALTER TABLE delivery ADD COLUMN attempt_trigger INTEGER;
ALTER TABLE delivery ADD COLUMN attempt_at BIGINT;
-- An endpoint's attempts, newest first, as attempt_endpoint gives them for the attempt table. A message's are read
-- through the (msg_id, endpoint_id) key: one row per endpoint it went to.
CREATE INDEX delivery_attempt_endpoint ON delivery (endpoint_id, attempt_id) WHERE attempt_id IS NOT NULL;
