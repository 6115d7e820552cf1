-- Subjects, ordered and latest-only delivery, and per-endpoint wire formats: the PostgreSQL twin of
-- db/migration/sqlite/V2__subjects.sql. Ids sort by byte value ("C" collation), as list paging needs.

-- What a series of messages is about (an order, a signing session). last_sequence is the sequence number of the
-- subject's newest message; ingest raises it with one UPDATE ... RETURNING, which is atomic on every engine.
-- state: open, completed or failed; ended_by is the terminal message that closed it.
CREATE TABLE subject (
  app_id         TEXT COLLATE "C" NOT NULL REFERENCES application (id) ON DELETE CASCADE,
  id             TEXT COLLATE "C" NOT NULL,
  metadata       TEXT NOT NULL DEFAULT '{}',
  state          TEXT NOT NULL DEFAULT 'open',
  last_sequence  BIGINT NOT NULL DEFAULT 0,
  first_event_at BIGINT,
  last_event_at  BIGINT,
  ended_by       TEXT,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  PRIMARY KEY (app_id, id)
);

-- user_name, not "user": USER is a reserved word in PostgreSQL. labels is a JSON object of strings.
ALTER TABLE message ADD COLUMN subject TEXT;
ALTER TABLE message ADD COLUMN sequence BIGINT;
ALTER TABLE message ADD COLUMN user_name TEXT;
ALTER TABLE message ADD COLUMN labels TEXT;
ALTER TABLE message ADD COLUMN metadata TEXT;
CREATE INDEX message_subject ON message (app_id, subject, sequence) WHERE subject IS NOT NULL;

-- lifecycle: NULL, 'progress' or 'terminal'; failure = 1 marks a terminal type that ends its subject as failed.
ALTER TABLE event_type ADD COLUMN lifecycle TEXT;
ALTER TABLE event_type ADD COLUMN category TEXT;
ALTER TABLE event_type ADD COLUMN failure INTEGER NOT NULL DEFAULT 0;

-- ordering: 'none' or 'subject'; progress: 'all' or 'latest'; body_format: raw, standard, event-data, session,
-- flat or template (body_template holds the JSONata); header_templates is a JSON object of name -> JSONata.
ALTER TABLE endpoint ADD COLUMN ordering TEXT NOT NULL DEFAULT 'none';
ALTER TABLE endpoint ADD COLUMN progress TEXT NOT NULL DEFAULT 'all';
ALTER TABLE endpoint ADD COLUMN body_format TEXT NOT NULL DEFAULT 'raw';
ALTER TABLE endpoint ADD COLUMN body_template TEXT;
ALTER TABLE endpoint ADD COLUMN bearer_token TEXT;
ALTER TABLE endpoint ADD COLUMN header_templates TEXT NOT NULL DEFAULT '{}';

-- A delivery of a message with a subject copies its subject and sequence, and progress = 1 when its event type is a
-- progress type, so ordering and latest-only decisions are index lookups. A parked delivery waits for its
-- predecessor: status 1 (pending) with next_attempt_at NULL, so the claimer never sees it. status 4 is "skipped":
-- a progress event superseded by a newer one while it waited.
ALTER TABLE delivery ADD COLUMN subject TEXT;
ALTER TABLE delivery ADD COLUMN sequence BIGINT;
ALTER TABLE delivery ADD COLUMN progress INTEGER NOT NULL DEFAULT 0;
CREATE INDEX delivery_subject ON delivery (endpoint_id, subject, sequence) WHERE status = 1 AND subject IS NOT NULL;
