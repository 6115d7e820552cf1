package io.herald.server.store;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: every write in Herald goes through here. A writer thread takes whatever operations are waiting, runs
 * them in one transaction and commits once, so one fsync covers every request that arrived meanwhile. A caller's
 * future completes only after the commit is durable, which is what lets the API answer "accepted" honestly.
 *
 * <p>Why batching matters on this hardware: one sync (SQLite calls fsync here) costs ~0.13 ms, so a sync per request
 * caps ingest at a few thousand per second, while a hundred records per sync reach hundreds of thousands.
 *
 * <p>A writer commits what is waiting as soon as it is free; it does not hold a batch open for writes it expects. An
 * earlier version waited up to 1 ms while requests were still being parsed (PostgreSQL's {@code commit_delay},
 * driven by requests). Measured again once outcomes rode along lazily and ingest had its own fast path (bench S1 and
 * S2, six alternating pairs), the wait saved no commits (0.060-0.112 commits per delivery on PostgreSQL with it,
 * 0.065-0.076 without; the same on the embedded store), and without it S1 on PostgreSQL ran 16-93% faster in every
 * pair: requests arriving during a commit already make the next batch. The one place it still paid is several
 * processes on one PostgreSQL, each with a share of the producers: two of them delivered 9-16% less without it
 * (bench S6, two pairs; docs/performance.md).
 *
 * <p>Writes somebody waits for (an API request: ingest, management calls) go first. Background writes (an attempt's
 * outcome, submitted with {@link #submitInBackground}) fill the rest of a batch, at most {@link #MAX_BACKGROUND} per
 * batch. In arrival order, at 10,000 deliveries per second the outcomes alone filled batches of up to 512 operations
 * and a producer's message queued behind them (the fan-out benchmark's ingest p99 was 133 ms with 100 endpoints per
 * message against 19 ms with one).
 *
 * <p>Lazy writes ({@link #submitLazily}: an outcome with nothing waiting on its commit) may wait up to {@link #GATHER}
 * for another write to share their commit. Below saturation each commit costs the same whether it carries one write or
 * twenty (its log frames, one sync, and on this class of VM a virtio notification per I/O), so an outcome committed
 * alone doubles the commits of a delivery: at 1,000 deliveries/s the writer spent 370 µs of CPU per delivery, 31% of it
 * in the sync and 18% in write syscalls (async-profiler, bench S2). Waiting costs the ingest path nothing: a request's
 * write ends the wait at once, and the writer, instead of being busy with an outcome-only commit, is free for it.
 *
 * <p>If any operation in a batch throws, the whole transaction is rolled back and each operation is retried alone, so
 * one bad request never fails its neighbours (and on PostgreSQL an error would abort the shared transaction anyway).
 *
 * <p>Writes of one {@link GroupOp} in a batch are applied by one call, so that their rows can go to the database as
 * JDBC batches rather than one statement (one round trip, on PostgreSQL) each.
 */
public final class WriteQueue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WriteQueue.class);
  private static final int MAX_BATCH = 512;
  /** Background writes per batch, at most: bounds how long a commit keeps waiting API requests out. */
  static final int MAX_BACKGROUND = 128;
  /** How long a batch of lazy writes alone waits for other writes to share its commit, at most. */
  public static final Duration GATHER = Duration.ofMillis(2);
  /** A batch of this many lazy writes commits without waiting: they amortize a commit well enough by themselves. */
  static final int GATHER_ENOUGH = 32;

  /** A write: either {@code op}, or {@code item} of {@code group} (then {@code op} is null). */
  private record Pending<T>(WriteOp<T> op, GroupOp<Object, T> group, Object item, CompletableFuture<T> result,
      boolean background) {
    /** Runs this write alone in {@code h}'s transaction. */
    T applyAlone(Handle h) {
      return op != null ? op.apply(h) : group.applyAll(h, List.of(item)).get(0);
    }
  }

  private final Jdbi jdbi;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private final ArrayDeque<Pending<?>> urgent = new ArrayDeque<>();
  private final ArrayDeque<Pending<?>> background = new ArrayDeque<>();
  private final ArrayDeque<Pending<?>> lazy = new ArrayDeque<>();
  /** Writers waiting in {@link #gather}, under the lock: a lazy write wakes them only once there are enough. */
  private int gathering;
  /** While some writer gathers: the count of queued lazy writes that completes its batch (the least, if several). */
  private int enoughQueued = Integer.MAX_VALUE;
  private final List<Thread> writers = new ArrayList<>();
  private volatile boolean running = true;
  private final long gatherNanos;
  private final LongAdder commits = new LongAdder();

  /** {@code writers} threads commit concurrently; SQLite has one writer, PostgreSQL profits from a few. */
  public WriteQueue(Jdbi jdbi, int writerThreads) {
    this(jdbi, writerThreads, GATHER);
  }

  /** As above, with lazy writes waiting up to {@code gather} for company. */
  public WriteQueue(Jdbi jdbi, int writerThreads, Duration gather) {
    this.jdbi = jdbi;
    this.gatherNanos = gather.toNanos();
    jdbi.setStatementBuilderFactory(connection -> new CachingStatementBuilder());
    for (int i = 0; i < writerThreads; i++) {
      Thread t = Thread.ofPlatform().daemon().name("herald-writer-" + i).start(this::run);
      writers.add(t);
    }
  }

  /** Queues {@code op}; the future completes after the transaction containing it has committed. */
  public <T> CompletableFuture<T> submit(WriteOp<T> op) {
    return enqueue(op, null, null, urgent);
  }

  /** Queues {@code item} of {@code group} (see {@link GroupOp}); otherwise as {@link #submit(WriteOp)}. */
  public <I, T> CompletableFuture<T> submit(GroupOp<I, T> group, I item) {
    return enqueue(null, group, item, urgent);
  }

  /**
   * Queues {@code op} behind every write somebody waits for: for bookkeeping that no request waits on, such as an
   * attempt's outcome. Its future completes after its commit, as with {@link #submit}.
   */
  public <T> CompletableFuture<T> submitInBackground(WriteOp<T> op) {
    return enqueue(op, null, null, background);
  }

  /** Queues {@code item} of {@code group} behind the writes somebody waits for, as {@link #submitInBackground}. */
  public <I, T> CompletableFuture<T> submitInBackground(GroupOp<I, T> group, I item) {
    return enqueue(null, group, item, background);
  }

  /**
   * Queues {@code item} of {@code group} as a lazy write: a background write whose commit nothing is waiting on soon,
   * so it may wait up to {@link #GATHER} for other writes to share it (see the class comment). Not for a write whose
   * commit releases further work, such as the next delivery of an ordered subject.
   */
  public <I, T> CompletableFuture<T> submitLazily(GroupOp<I, T> group, I item) {
    return enqueue(null, group, item, lazy);
  }

  /** Transactions committed so far, for tests and diagnostics. */
  public long commits() {
    return commits.sum();
  }

  @SuppressWarnings("unchecked")
  private <T> CompletableFuture<T> enqueue(WriteOp<T> op, GroupOp<?, T> group, Object item,
      ArrayDeque<Pending<?>> queue) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (!running) {
      result.completeExceptionally(new StoreUnavailableException("the store is shutting down"));
      return result;
    }
    lock.lock();
    try {
      queue.add(new Pending<>(op, (GroupOp<Object, T>) group, item, result, queue != urgent));
      if (queue != lazy || gathering == 0 || lazy.size() >= enoughQueued) {
        ready.signal(); // a gathering writer is woken by a lazy write only when there are enough of them
      }
    } finally {
      lock.unlock();
    }
    return result;
  }

  /** Runs {@code op} and waits for its commit. */
  public <T> T execute(WriteOp<T> op) {
    return join(submit(op));
  }

  /** Runs {@code op} behind the writes somebody waits for (as {@link #submitInBackground}) and waits for its commit. */
  public <T> T executeInBackground(WriteOp<T> op) {
    return join(submitInBackground(op));
  }

  /** Runs {@code item} of {@code group} and waits for its commit. */
  public <I, T> T execute(GroupOp<I, T> group, I item) {
    return join(submit(group, item));
  }

  private static <T> T join(CompletableFuture<T> result) {
    try {
      return result.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  /** One transaction's operations, and how many of them are background writes (lazy ones among them). */
  private static final class Batch {
    final List<Pending<?>> ops = new ArrayList<>(MAX_BATCH);
    int background;
    int lazy;

    void clear() {
      ops.clear();
      background = 0;
      lazy = 0;
    }
  }

  private void run() {
    Batch taken = new Batch();
    List<Pending<?>> batch = taken.ops;
    Handle handle = null;
    try {
      while (running || hasWork()) {
        try {
          if (!take(taken)) {
            continue;
          }
          gather(taken);
          if (handle == null) {
            handle = open();
          }
          if (handle == null) {
            fail(batch, new StoreUnavailableException("the database is unavailable"));
          } else if (!commitBatch(handle, batch)) {
            handle = discard(handle); // the connection broke: open a fresh one for the next batch
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } finally {
          taken.clear();
        }
      }
    } finally {
      discard(handle);
    }
  }

  private boolean hasWork() {
    lock.lock();
    try {
      return !urgent.isEmpty() || !background.isEmpty() || !lazy.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to 100 ms for work and moves what is waiting into {@code batch}; false when there was none. */
  private boolean take(Batch batch) throws InterruptedException {
    lock.lock();
    try {
      long nanos = TimeUnit.MILLISECONDS.toNanos(100);
      while (urgent.isEmpty() && background.isEmpty() && lazy.isEmpty()) {
        if (nanos <= 0 || !running) {
          return false;
        }
        nanos = ready.awaitNanos(nanos);
      }
      fill(batch);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: every waiting request's write first, then background writes up to their share. */
  private void fill(Batch batch) {
    while (batch.ops.size() < MAX_BATCH && !urgent.isEmpty()) {
      batch.ops.add(urgent.poll());
    }
    while (batch.ops.size() < MAX_BATCH && batch.background < MAX_BACKGROUND && !background.isEmpty()) {
      batch.ops.add(background.poll());
      batch.background++;
    }
    while (batch.ops.size() < MAX_BATCH && batch.background < MAX_BACKGROUND && !lazy.isEmpty()) {
      batch.ops.add(lazy.poll());
      batch.background++;
      batch.lazy++;
    }
  }

  /**
   * A batch of a few lazy writes alone waits, up to the gather time, until another write arrives to share its commit
   * or enough lazy ones have gathered.
   */
  private void gather(Batch batch) throws InterruptedException {
    if (gatherNanos == 0 || batch.lazy != batch.ops.size() || batch.lazy >= GATHER_ENOUGH) {
      return;
    }
    long until = System.nanoTime() + gatherNanos;
    lock.lock();
    gathering++;
    enoughQueued = Math.min(enoughQueued, GATHER_ENOUGH - batch.lazy);
    try {
      while (running && urgent.isEmpty() && background.isEmpty() && batch.lazy + lazy.size() < GATHER_ENOUGH) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          break;
        }
        ready.awaitNanos(left);
      }
      fill(batch);
    } finally {
      if (--gathering == 0) {
        enoughQueued = Integer.MAX_VALUE;
      }
      lock.unlock();
    }
  }

  /**
   * Each writer keeps one connection (and its prepared statements) for as long as it works, instead of borrowing
   * one per batch: re-preparing the same few statements for every batch was a measurable share of ingest.
   */
  private Handle open() {
    try {
      return jdbi.open();
    } catch (RuntimeException e) {
      log.warn("store connection failed: {}", e.getMessage());
      return null;
    }
  }

  private static Handle discard(Handle handle) {
    if (handle != null) {
      try {
        handle.close();
      } catch (RuntimeException ignored) {
        // broken already
      }
    }
    return null;
  }

  private static void fail(List<Pending<?>> batch, RuntimeException e) {
    for (Pending<?> p : batch) {
      p.result().completeExceptionally(e);
    }
  }

  /** Commits {@code batch}; returns false when the connection itself failed. */
  private boolean commitBatch(Handle handle, List<Pending<?>> batch) {
    Object[] results = new Object[batch.size()];
    try {
      handle.useTransaction(h -> apply(h, batch, results));
    } catch (RuntimeException batchFailure) {
      if (Stores.isConnectionFailure(batchFailure)) {
        fail(batch, translate(batchFailure));
        return false;
      }
      if (batch.size() == 1) {
        batch.get(0).result().completeExceptionally(translate(batchFailure));
        return usable(handle);
      }
      boolean healthy = true;
      for (Pending<?> p : batch) {
        healthy &= commitAlone(handle, p);
      }
      return healthy && usable(handle);
    }
    commits.increment();
    List<Runnable> later = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Pending<?> p = batch.get(i);
      Object value = results[i];
      if (p.background()) {
        later.add(() -> complete(p, value));
      } else {
        complete(p, value);
      }
    }
    if (!later.isEmpty()) {
      completeOffTheWriter(later);
    }
    return true;
  }

  /**
   * Completes a commit's background writes on one virtual thread, not on the writer: whatever follows them (the
   * dispatcher settles each outcome and sends its lane's next delivery) then runs there, and the writer starts one
   * thread per commit instead of one per outcome. Starting them one by one was 6% of the writer's CPU samples in a
   * drain of S4's backlog, the writer being what bounds that drain. A waiting request's write is still completed by
   * the writer itself, at once.
   */
  private static void completeOffTheWriter(List<Runnable> completions) {
    Thread.startVirtualThread(() -> completions.forEach(Runnable::run));
  }

  /**
   * Applies {@code batch} in order, each group's items together where its first item stands, and puts each write's
   * result at its index in {@code results}.
   */
  private static void apply(Handle h, List<Pending<?>> batch, Object[] results) {
    Map<GroupOp<Object, ?>, List<Integer>> groups = null;
    for (int i = 0; i < batch.size(); i++) {
      GroupOp<Object, ?> group = batch.get(i).group();
      if (group != null) {
        if (groups == null) {
          groups = new IdentityHashMap<>();
        }
        groups.computeIfAbsent(group, g -> new ArrayList<>()).add(i);
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      Pending<?> p = batch.get(i);
      if (p.op() != null) {
        results[i] = p.op().apply(h);
        continue;
      }
      List<Integer> members = groups.get(p.group());
      if (members.get(0) != i) {
        continue; // applied with the group's first item
      }
      List<Object> items = new ArrayList<>(members.size());
      for (int m : members) {
        items.add(batch.get(m).item());
      }
      List<?> out = p.group().applyAll(h, items);
      if (out.size() != items.size()) {
        throw new IllegalStateException("a group write returned " + out.size() + " results for " + items.size());
      }
      for (int k = 0; k < members.size(); k++) {
        results[members.get(k)] = out.get(k);
      }
    }
  }

  /** After a failure: whether the connection still works (a driver may report a dying server in other ways). */
  private static boolean usable(Handle handle) {
    try {
      return handle.getConnection().isValid(2);
    } catch (java.sql.SQLException e) {
      return false;
    }
  }

  private <T> boolean commitAlone(Handle handle, Pending<T> p) {
    try {
      T value = handle.inTransaction((Handle h) -> p.applyAlone(h));
      p.result().complete(value);
      return true;
    } catch (RuntimeException e) {
      p.result().completeExceptionally(translate(e));
      return !Stores.isConnectionFailure(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void complete(Pending<T> p, Object value) {
    p.result().complete((T) value);
  }

  private static RuntimeException translate(RuntimeException e) {
    if (Stores.isConnectionFailure(e)) {
      log.warn("store write failed: {}", e.getMessage());
      return new StoreUnavailableException("the database is unavailable", e);
    }
    return e;
  }

  @Override
  public void close() {
    running = false;
    lock.lock();
    try {
      ready.signalAll(); // a gathering writer commits what it holds now
    } finally {
      lock.unlock();
    }
    for (Thread t : writers) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
