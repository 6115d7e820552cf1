package io.herald.server.store;

import org.jdbi.v3.core.Handle;

/** One unit of work the {@link WriteQueue} runs inside a shared transaction. */
@FunctionalInterface
public interface WriteOp<T> {
  T apply(Handle handle);
}
