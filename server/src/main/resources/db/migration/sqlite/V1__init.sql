-- Herald's embedded schema (SQLite). Times are Unix epoch milliseconds; JSON columns hold text.

CREATE TABLE setting (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE application (
  id            TEXT PRIMARY KEY,
  uid           TEXT UNIQUE,
  name          TEXT NOT NULL,
  throttle_rate INTEGER,
  metadata      TEXT NOT NULL DEFAULT '{}',
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

CREATE TABLE event_type (
  name         TEXT PRIMARY KEY,
  description  TEXT NOT NULL,
  archived     INTEGER NOT NULL DEFAULT 0,
  deprecated   INTEGER NOT NULL DEFAULT 0,
  feature_flag TEXT,
  schemas      TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);

-- secret is the current signing key (whsec_...); old_secrets is a JSON array of {key, expiresAt} kept during a
-- rotation's grace period. headers is a JSON object of custom headers sent with every delivery.
CREATE TABLE endpoint (
  id            TEXT PRIMARY KEY,
  app_id        TEXT NOT NULL REFERENCES application (id) ON DELETE CASCADE,
  uid           TEXT,
  url           TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  version       INTEGER NOT NULL DEFAULT 1,
  disabled      INTEGER NOT NULL DEFAULT 0,
  event_types   TEXT,
  channels      TEXT,
  throttle_rate INTEGER,
  metadata      TEXT NOT NULL DEFAULT '{}',
  headers       TEXT NOT NULL DEFAULT '{}',
  secret        TEXT NOT NULL,
  old_secrets   TEXT NOT NULL DEFAULT '[]',
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  UNIQUE (app_id, uid)
);
CREATE INDEX endpoint_app ON endpoint (app_id, id);

-- payload holds the exact bytes the producer sent: deliveries are signed over them, never re-serialized.
CREATE TABLE message (
  id         TEXT PRIMARY KEY,
  app_id     TEXT NOT NULL REFERENCES application (id) ON DELETE CASCADE,
  event_id   TEXT,
  event_type TEXT NOT NULL,
  channels   TEXT,
  payload    BLOB,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX message_event_id ON message (app_id, event_id) WHERE event_id IS NOT NULL;
CREATE INDEX message_app ON message (app_id, id);
CREATE INDEX message_created ON message (created_at);

-- One row per (message, endpoint): the queue. status follows Svix: 0 success, 1 pending, 2 fail.
-- A pending row is due at next_attempt_at; lease_until/claim_token mark the process that holds it.
CREATE TABLE delivery (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  msg_id          TEXT NOT NULL REFERENCES message (id) ON DELETE CASCADE,
  endpoint_id     TEXT NOT NULL REFERENCES endpoint (id) ON DELETE CASCADE,
  app_id          TEXT NOT NULL,
  status          INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  manual          INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  lease_until     INTEGER,
  claim_token     TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (msg_id, endpoint_id)
);
CREATE INDEX delivery_due ON delivery (next_attempt_at) WHERE status = 1;
CREATE INDEX delivery_endpoint ON delivery (endpoint_id, msg_id);

CREATE TABLE attempt (
  id                   TEXT PRIMARY KEY,
  msg_id               TEXT NOT NULL REFERENCES message (id) ON DELETE CASCADE,
  endpoint_id          TEXT NOT NULL REFERENCES endpoint (id) ON DELETE CASCADE,
  app_id               TEXT NOT NULL,
  url                  TEXT NOT NULL,
  status               INTEGER NOT NULL,
  response_status_code INTEGER NOT NULL,
  response             TEXT NOT NULL,
  response_duration_ms INTEGER NOT NULL,
  trigger_type         INTEGER NOT NULL,
  created_at           INTEGER NOT NULL
);
CREATE INDEX attempt_msg ON attempt (msg_id, id);
CREATE INDEX attempt_endpoint ON attempt (endpoint_id, id);
CREATE INDEX attempt_created ON attempt (created_at);

-- Responses to POSTs that carried an idempotency-key, replayed for 12 hours. key is a hash of token + key + path.
CREATE TABLE idempotency (
  key         TEXT PRIMARY KEY,
  status_code INTEGER NOT NULL,
  body        BLOB NOT NULL,
  created_at  INTEGER NOT NULL
);
