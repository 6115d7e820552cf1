-- The lease renewer extends every claim of a process (UPDATE ... WHERE claim_token = ?) every third of a lease.
-- Without an index that was a scan of the whole delivery table in the writer: in the benchmark, a 24-43 ms stall of
-- every commit once every 10 s, which set the embedded p99 at 50% load. Only claimed rows are in this index (at most
-- a process's in-memory deliveries), so it stays a few pages.
CREATE INDEX delivery_claim ON delivery (claim_token) WHERE claim_token IS NOT NULL;
