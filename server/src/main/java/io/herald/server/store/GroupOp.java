package io.herald.server.store;

import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Writes of one kind that the {@link WriteQueue} runs together: every item of the kind in a transaction goes to one
 * call, so their statements can go to the database as JDBC batches. On PostgreSQL each statement run alone is a
 * network round trip: Herald's store statements for ten deliveries per commit, with nothing around them, cost
 * 1.4-2.0 ms of CPU per delivery (client and server) one statement at a time, and 0.54-0.55 ms as batches.
 *
 * <p>Items of a group are applied where the first of them was queued. If the group throws, the transaction is
 * retried one write at a time, and a group's item then runs alone, as a list of one.
 */
@FunctionalInterface
public interface GroupOp<I, T> {
  /** Writes every item in the caller's transaction and returns one result per item, in the items' order. */
  List<T> applyAll(Handle handle, List<I> items);
}
