-- A lane refill (delivery/Dispatcher) claims one endpoint's due deliveries through this index. Refills used to go
-- through the poller's look over the whole queue, which walked delivery_due past the other rows and, to skip the
-- full lane, past that endpoint's whole backlog: draining 200k messages, half the writer's profile was the claim.
CREATE INDEX delivery_endpoint_due ON delivery (endpoint_id, next_attempt_at) WHERE status = 1;
