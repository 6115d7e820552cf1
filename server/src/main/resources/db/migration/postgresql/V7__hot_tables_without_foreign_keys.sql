-- The rows written for every delivery (message, delivery, attempt) carry no foreign keys on PostgreSQL. Each key
-- was a trigger that ran a query of its own per row and locked the parent row (SELECT ... FOR KEY SHARE), a lock
-- written to the WAL: five per delivery. On the benchmark's store floor they were a fifth of the CPU per delivery
-- (383-655 µs with them, 311-320 without, interleaved on one server). What the cascades did, deleting an
-- endpoint's or an application's or an old message's rows, the code now does in the same transaction
-- (EndpointRepository.delete, ApplicationRepository.delete, Retention), and a delivery whose endpoint is gone is
-- removed by the dispatcher instead of attempted (a process whose endpoint cache was a moment old may still add
-- one). SQLite keeps its keys: there a check is one in-process B-tree lookup, within the floor's noise.
ALTER TABLE delivery DROP CONSTRAINT delivery_msg_id_fkey;
ALTER TABLE delivery DROP CONSTRAINT delivery_endpoint_id_fkey;
ALTER TABLE attempt DROP CONSTRAINT attempt_msg_id_fkey;
ALTER TABLE attempt DROP CONSTRAINT attempt_endpoint_id_fkey;
ALTER TABLE message DROP CONSTRAINT message_app_id_fkey;
