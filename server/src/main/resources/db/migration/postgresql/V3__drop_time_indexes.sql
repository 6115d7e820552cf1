-- Message and attempt ids begin with their creation time (store/Ids.java), so a time bound is an id bound:
-- retention and recovery now range over the primary key. These two indexes cost every delivery two more
-- B-tree pages written per commit, for queries that no longer use them.
DROP INDEX message_created;
DROP INDEX attempt_created;
