-- Messages whose deliveries are still being created: a message matching many endpoints is accepted with one row
-- here instead of one delivery per endpoint in the producer's transaction, and the deliveries follow in chunks
-- (io.herald.server.message.FanOut). after_endpoint is how far the chunks got, in endpoint id order; each chunk
-- inserts its deliveries and moves it forward in one transaction, and the last one deletes the row. A row that
-- outlives its process is picked up again by the next (or another) process.
CREATE TABLE fanout (
  msg_id         TEXT COLLATE "C" PRIMARY KEY REFERENCES message (id) ON DELETE CASCADE,
  after_endpoint TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at     BIGINT NOT NULL
);
