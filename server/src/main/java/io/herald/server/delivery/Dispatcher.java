package io.herald.server.delivery;

import io.herald.server.config.HeraldConfig.HeaderStyle;
import io.herald.server.endpoint.Endpoint;
import io.herald.server.endpoint.EndpointRepository;
import io.herald.server.store.Database;
import io.herald.server.store.GroupOp;
import io.herald.server.store.StoreUnavailableException;
import io.herald.server.store.WriteOp;
import io.herald.server.wire.WireContexts;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves deliveries from the queue to receivers.
 *
 * <p>Fresh messages reach it straight from ingest, right after their commit, already claimed: no polling delay.
 * Retries and anything left by a dead process are claimed from the table by a poller, in batches. Each endpoint has
 * a lane with its own concurrency cap, so a slow or hanging receiver only ever occupies its own slots; deliveries are
 * scheduled per (message, endpoint), so one failing message never blocks the next.
 *
 * <p>Every attempt's outcome is written through the group-commit queue, fenced on this process's claim token. For a
 * message with a subject, the same transaction releases the subject's next parked delivery once this one is final
 * ({@link Sequencing}); the poller is then woken to claim it. Requests are built by {@link OutgoingRequests}, which
 * renders the endpoint's wire format and signs the bytes it sends.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final int CLAIM_BATCH = 500;
  private static final long MIN_WAIT_MS = 10;
  /**
   * Retries falling due are claimed together, by looks at least this far apart (a wake-up for a resend or a recovery
   * is not held back). Following each retry's own due time, an endpoint failing 110 times a second cost a look, a
   * write transaction and often a commit of its own per retry, in the writer every healthy tenant's messages wait
   * for (S5). A retry scheduled seconds ahead goes at most this much later.
   */
  static final long LOOK_SPACING_MS = 50;
  /** A look over the whole queue may take at most one part in this many of the time (see {@link #lookAt}). */
  static final long LOOK_BUDGET = 20;

  /** What the dispatcher needs from the configuration. */
  public record Settings(HeaderStyle headerStyle, Duration timeout, Duration lease, Duration pollInterval,
      int maxInFlight, int maxInFlightPerEndpoint) {}

  private static final class Lane {
    final String endpointId;
    final ArrayDeque<DeliveryTask> queue = new ArrayDeque<>();
    /** The endpoint's throttleRate, applied as attempts start. */
    final Pacer pacer = new Pacer();
    /** A drain is scheduled for when the pacer allows the next attempt. */
    boolean paced;
    /** Taken from the queue and not yet answered: what the endpoint's concurrency cap counts. */
    int sending;
    /** Work for this endpoint was left in the table because the lane was full; claim it when the lane drains. */
    boolean spilled;
    /** A refill of this lane is queued or running: fresh deliveries go to the table behind the rows it takes. */
    boolean refilling;

    Lane(String endpointId) {
      this.endpointId = endpointId;
    }

    /**
     * What the lane's cap counts: queued or being sent. An answered delivery whose outcome is being written counts in
     * the process's total ({@code inMemory}) until it settles, not here: counted here, a fast endpoint's lane held
     * a commit's worth of answered deliveries besides its queue and its requests, and a drain of its backlog ran at
     * the lane's size over the time a delivery spent in it (S4's 200k drain: a median of 17,805 a second against
     * 20,928 without, over four alternating pairs).
     */
    int held() {
      return queue.size() + sending;
    }
  }

  private final Database db;
  private final DeliveryRepository deliveries;
  private final EndpointCache endpoints;
  private final HttpSender sender;
  private final OutgoingRequests outgoing;
  private final RetryPolicy retry;
  private final Clock clock;
  private final Settings settings;
  private final int laneCap;
  private final String claimToken;
  private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
  private final Set<Long> held = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inMemory = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong earliestRetry = new AtomicLong(Long.MAX_VALUE);
  /** Endpoints whose spilled lanes have drained to half: the poller refills them from the table. */
  private final ConcurrentLinkedQueue<String> refills = new ConcurrentLinkedQueue<>();
  /** When the parked poller will look again by itself; 0 while it is working. */
  private volatile long pollerWakesAt;
  private volatile boolean running;
  private Thread poller;
  private LeaseRenewer renewer;

  public Dispatcher(Database db, DeliveryRepository deliveries, EndpointCache endpoints, HttpSender sender,
      RetryPolicy retry, Clock clock, Settings settings) {
    this.db = db;
    this.deliveries = deliveries;
    this.endpoints = endpoints;
    this.sender = sender;
    this.outgoing = new OutgoingRequests(settings.headerStyle(), new WireContexts(db), clock);
    this.retry = retry;
    this.clock = clock;
    this.settings = settings;
    this.laneCap = laneCap(settings);
    byte[] token = new byte[12];
    new SecureRandom().nextBytes(token);
    this.claimToken = "node_" + HexFormat.of().formatHex(token);
  }

  /** This process's claim token: deliveries it inserts already claimed carry it. */
  public String claimToken() {
    return claimToken;
  }

  /** When a claim taken now expires. */
  public long leaseUntil(long now) {
    return now + settings.lease().toMillis();
  }

  /**
   * How many deliveries one endpoint may hold in memory, queued or in flight: four times its concurrency, enough to
   * keep it busy between claims. Without a cap a slow endpoint's backlog would fill {@code maxInFlight} and every
   * other endpoint's fresh deliveries would wait for the poller behind it.
   */
  static int laneCap(Settings settings) {
    return Math.min(settings.maxInFlight(), 4 * settings.maxInFlightPerEndpoint());
  }

  /**
   * Whether a fresh delivery to {@code endpointId} should be handed over in memory. Past the global bound or its
   * endpoint's, ingest leaves it unclaimed in the table, where the poller finds it as capacity frees up: memory stays
   * bounded whatever the backlog, and one endpoint's backlog stays its own. The bound is soft: deliveries committed
   * in one group are checked against the same count.
   */
  public boolean hasRoom(String endpointId) {
    if (inMemory.get() >= settings.maxInFlight()) {
      return false;
    }
    Lane lane = lanes.get(endpointId);
    if (lane == null) {
      return true;
    }
    synchronized (lane) {
      // Once rows of this endpoint wait in the table, fresh ones queue behind them until a refill finds the table
      // empty: the lane then drains to half and a refill takes the oldest. Handing fresh ones straight to a lane that
      // always had a free slot starved the table's rows until the next look (S1's p99 went from 16 ms to 2 s).
      if (!lane.spilled && !lane.refilling && lane.held() < laneCap) {
        return true;
      }
      lane.spilled = true;
      return false;
    }
  }

  public void start() {
    running = true;
    poller = Thread.ofPlatform().daemon().name("herald-poller").start(this::pollLoop);
    renewer = new LeaseRenewer(db, claimToken, settings.lease(), clock);
  }

  /** Hands over deliveries that were committed already claimed by this process. */
  public void submit(List<DeliveryTask> tasks) {
    for (DeliveryTask t : tasks) {
      enqueue(t);
    }
  }

  /** Makes the poller look for due deliveries now (after a resend or a recovery). */
  public void wake() {
    earliestRetry.set(0);
    LockSupport.unpark(poller);
  }

  private void pollLoop() {
    long nextLook = 0;
    long notBefore = 0;
    while (running) {
      try {
        refillLanes();
        if (clock.millis() >= lookAt(nextLook, notBefore)) {
          long startedAt = clock.millis();
          long started = System.nanoTime();
          Look look = look();
          nextLook = look.nextAt();
          notBefore = notBefore(look, startedAt, clock.millis(), (System.nanoTime() - started) / 1_000_000);
        }
        long sleep = lookAt(nextLook, notBefore) - clock.millis();
        if (sleep > 0 && refills.isEmpty()) {
          pollerWakesAt = clock.millis() + sleep;
          LockSupport.parkNanos(sleep * 1_000_000);
          pollerWakesAt = 0;
        }
      } catch (RuntimeException e) {
        log.warn("claiming due deliveries failed, retrying in {} ms: {}", settings.pollInterval().toMillis(), e.getMessage());
        nextLook = clock.millis() + settings.pollInterval().toMillis();
        LockSupport.parkNanos(settings.pollInterval().toNanos());
      }
    }
  }

  /**
   * When to look over the queue next: at the poll interval or the earliest known retry, whichever is first, but after
   * {@code notBefore} ({@link #notBefore}), which spaces looks and keeps fruitless ones to at most 1/{@link #LOOK_BUDGET}
   * of the time. A look that must skip a full lane walks that lane's due rows in the index, so behind a backlog of
   * hundreds of thousands it takes tens of milliseconds of the writer's time and finds nothing; the next one then waits
   * twenty times as long (other endpoints' retries a little later, drains not slower). A wake-up for a resend or a
   * recovery ({@link #wake()}) is not held back.
   */
  private long lookAt(long nextLook, long notBefore) {
    long due = Math.min(nextLook, earliestRetry.get());
    return due == 0 ? 0 : Math.max(due, notBefore);
  }

  /**
   * What one look did: when to look next, whether it claimed anything, and whether it stopped at its limit (then
   * there may be more due at once).
   */
  record Look(long nextAt, boolean claimed, boolean more) {}

  /**
   * The earliest time the look after {@code look} (which started at {@code startedAt}, ended at {@code finishedAt}
   * and took {@code costMillis}) may start, a wake-up aside. One that stopped at its limit goes on at once; every
   * other lets the retries falling due meanwhile gather ({@link #LOOK_SPACING_MS}); one that found nothing also
   * waits {@link #LOOK_BUDGET} times its own cost.
   */
  static long notBefore(Look look, long startedAt, long finishedAt, long costMillis) {
    if (look.more()) {
      return 0;
    }
    long gathered = startedAt + LOOK_SPACING_MS;
    return look.claimed() ? gathered : Math.max(gathered, finishedAt + LOOK_BUDGET * costMillis);
  }

  /** One look over the whole queue: claims due deliveries of every endpoint whose lane has room. */
  private Look look() {
    long now = clock.millis();
    earliestRetry.set(Long.MAX_VALUE); // what is scheduled from here on is seen by the next look; the rest by this one
    int room = settings.maxInFlight() - inMemory.get();
    if (room <= 0) {
      return new Look(now + settings.pollInterval().toMillis(), false, false); // settle() wakes us when room frees
    }
    int limit = Math.min(room, CLAIM_BATCH);
    List<String> full = fullLanes();
    DeliveryRepository.Claimed claimed = db.writes().execute(h -> deliveries.claimDue(h, now, leaseUntil(now),
        claimToken, limit, full, new Admission()));
    submit(claimed.tasks());
    boolean any = !claimed.tasks().isEmpty();
    if (claimed.scanned() == limit) {
      return new Look(now, any, true);
    }
    long wait = Math.min(settings.pollInterval().toMillis(), nextDue(now, full) - clock.millis());
    // Rows due but not claimed are locked by another process's claim right now (SKIP LOCKED): look again soon.
    // Rows of full lanes are not counted as due: their lanes are refilled when they have drained.
    return new Look(clock.millis() + Math.max(wait, any ? 0 : MIN_WAIT_MS), any, false);
  }

  /**
   * Claims, for each lane that spilled and has drained to half, as many of its endpoint's due rows as it has room
   * for. A lane refill reads one endpoint's rows only: refilling through {@link #look()} would scan past every
   * other due row, and a hot endpoint's whole backlog when the scan has to skip it.
   */
  private void refillLanes() {
    String endpointId;
    while (running && (endpointId = refills.poll()) != null) {
      Lane lane = lanes.get(endpointId);
      if (lane != null && refill(endpointId, lane)) {
        refills.add(endpointId);
      }
    }
  }

  /** One lane's refill; answers whether it should run again at once. */
  private boolean refill(String endpointId, Lane lane) {
    int room;
    synchronized (lane) {
      room = Math.min(laneCap - lane.held(), settings.maxInFlight() - inMemory.get());
      if (room <= 0) {
        lane.refilling = false;
        lane.spilled = true; // refilled when it drains again, or by look() once memory frees up
        return false;
      }
    }
    boolean more;
    try {
      long now = clock.millis();
      DeliveryRepository.Claimed claimed = db.writes().execute(h -> deliveries.claimDueFor(h, endpointId, now,
          leaseUntil(now), claimToken, room));
      submit(claimed.tasks());
      more = claimed.scanned() == room;
    } catch (RuntimeException e) {
      synchronized (lane) {
        // Left refilling, the lane would send every fresh delivery to the table for good; the next look or drain
        // takes over.
        lane.refilling = false;
        lane.spilled = true;
      }
      throw e;
    }
    synchronized (lane) {
      lane.refilling = false;
      // Spilled: the table may hold more (a full refill), or ingest left rows there while this one ran.
      lane.spilled |= more;
      if (lane.spilled && lane.held() <= laneCap / 2) {
        lane.spilled = false;
        lane.refilling = true;
        return true; // already drained (or empty: no settle would come to trigger it)
      }
    }
    return false;
  }

  /**
   * When the next known delivery is due: the earliest retry this process scheduled since the last claim, or the
   * earliest in the table (which covers retries scheduled before that, and by other processes). Rows due by
   * {@code now} were just claimed, belong to full lanes, or are locked by another claimer, so the index is read
   * from {@code now} on: a full lane's due backlog is not walked a second time.
   */
  private long nextDue(long now, List<String> skipEndpoints) {
    long inTable = db.reads().withHandle(h -> {
      var query = h.createQuery("SELECT MIN(next_attempt_at) FROM delivery WHERE status = 1 AND lease_until IS NULL"
          + " AND next_attempt_at > :now" + (skipEndpoints.isEmpty() ? "" : " AND endpoint_id NOT IN (<skip>)"))
          .bind("now", now);
      if (!skipEndpoints.isEmpty()) {
        query.bindList("skip", skipEndpoints);
      }
      return query.mapTo(Long.class).findOne().orElse(null);
    }) instanceof Long l ? l : Long.MAX_VALUE;
    return Math.min(inTable, earliestRetry.get());
  }

  /** Endpoints whose lanes hold their cap: the poller leaves their rows in the table until they drain. */
  private List<String> fullLanes() {
    List<String> full = new ArrayList<>();
    lanes.forEach((endpointId, lane) -> {
      synchronized (lane) {
        if (lane.held() >= laneCap) {
          lane.spilled = true;
          full.add(endpointId);
        }
      }
    });
    return full;
  }

  /** Room per lane during one claim, so a claim never takes more of one endpoint's rows than its lane has room for. */
  private final class Admission implements Predicate<String> {
    private final Map<String, Integer> left = new HashMap<>();

    @Override
    public boolean test(String endpointId) {
      int room = left.computeIfAbsent(endpointId, this::roomIn);
      if (room == 0) {
        // The lane fills with this claim and its endpoint has more due rows: marked spilled, the lane is refilled
        // from them as it drains. Unmarked, they waited for the next look, up to the poll interval later (a
        // recovery's first chunk went out, then nothing for 0.9 s of S4's drain).
        spill(endpointId);
        left.put(endpointId, -1);
      }
      if (room <= 0) {
        return false;
      }
      left.put(endpointId, room - 1);
      return true;
    }

    private void spill(String endpointId) {
      Lane lane = lanes.computeIfAbsent(endpointId, Lane::new);
      synchronized (lane) {
        lane.spilled = true;
      }
    }

    private int roomIn(String endpointId) {
      Lane lane = lanes.get(endpointId);
      if (lane == null) {
        return laneCap;
      }
      synchronized (lane) {
        int room = laneCap - lane.held();
        if (room <= 0) {
          lane.spilled = true;
        }
        return room;
      }
    }
  }

  private void enqueue(DeliveryTask task) {
    if (!held.add(task.id())) {
      return; // already in memory: the poller re-claimed a delivery whose lease ran out while it waited here
    }
    inMemory.incrementAndGet();
    Lane lane = lanes.computeIfAbsent(task.endpointId(), Lane::new);
    synchronized (lane) {
      lane.queue.add(task);
    }
    drain(lane);
  }

  private void drain(Lane lane) {
    drain(lane, true);
  }

  /**
   * Sends the lane's queued deliveries while it has free slots. {@code mayBlock} is false on the HTTP client's network
   * thread (after an answer, see {@link HttpSender}): there the endpoint must come from memory, and when it would have
   * to be read from the store the drain moves to a virtual thread instead.
   */
  private void drain(Lane lane, boolean mayBlock) {
    while (true) {
      DeliveryTask task;
      // Once per attempt: the rate and the attempt.
      Optional<Endpoint> endpoint = mayBlock ? endpoints.get(lane.endpointId) : endpoints.peek(lane.endpointId);
      if (endpoint.isEmpty() && !mayBlock) {
        Thread.startVirtualThread(() -> drain(lane, true));
        return;
      }
      Integer rate = endpoint.map(Endpoint::throttleRate).orElse(null);
      synchronized (lane) {
        if (!running || lane.paced || lane.sending >= settings.maxInFlightPerEndpoint() || lane.queue.isEmpty()) {
          return;
        }
        long wait = lane.pacer.acquire(rate, System.nanoTime());
        if (wait > 0) {
          // Over the endpoint's throttleRate: the queue waits here (and, past the lane's cap, in the table).
          lane.paced = true;
          CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS).execute(() -> {
            synchronized (lane) {
              lane.paced = false;
            }
            drain(lane);
          });
          return;
        }
        task = lane.queue.poll();
        lane.sending++;
      }
      inFlight.incrementAndGet();
      try {
        attempt(task, lane, endpoint);
      } catch (RuntimeException e) {
        log.error("delivery {} could not be attempted; it stays claimed until its lease runs out", task.id(), e);
        answered(lane);
        settle(task, lane);
      }
    }
  }

  private void attempt(DeliveryTask task, Lane lane, Optional<Endpoint> endpoint) {
    long now = clock.millis();
    if (endpoint.isEmpty() || endpoint.get().disabled()) {
      answered(lane); // no request to wait for
      write(task, lane, h -> {
        if (endpoint.isEmpty()) {
          // Added after its endpoint was deleted, by a process whose endpoint cache was a moment old: nothing on
          // PostgreSQL stops that insert (postgresql/V7), and the deletion has already removed everything else.
          DeliveryRepository.forget(h, task.id(), claimToken);
        } else {
          DeliveryRepository.abandon(h, task.id(), claimToken, now);
        }
        // Ended without an attempt; what waited behind it in its subject goes next (and is abandoned in turn).
        return task.subject() != null
            && Sequencing.releaseNext(h, task.appId(), task.endpointId(), task.subject(), now);
      });
      return;
    }
    if (now > Math.max(task.leaseUntil(), renewer.renewedUntil()) - settings.timeout().toMillis()) {
      // Too little of the claim is left to finish an attempt inside it; give it back rather than risk a duplicate.
      answered(lane);
      write(task, lane, h -> {
        DeliveryRepository.release(h, task.id(), claimToken);
        return false;
      });
      return;
    }
    Endpoint ep = endpoint.get();
    URI url = ep.uri();
    outgoing.prepare(task, ep).thenCompose(prepared -> switch (prepared) {
      case OutgoingRequests.Prepared.Request r -> sender.post(url, r.headers(), r.body(), r.contentType());
      case OutgoingRequests.Prepared.Failed f -> CompletableFuture.<AttemptResult>completedFuture(
          new AttemptResult.Failed(0, f.reason(), 0, Optional.empty()));
    }).thenAccept(result -> record(task, lane, ep, result));
  }

  private void record(DeliveryTask task, Lane lane, Endpoint ep, AttemptResult result) {
    answered(lane);
    long now = clock.millis();
    int attemptsMade = task.attempts() + 1;
    int status;
    Long next = null;
    switch (result) {
      case AttemptResult.Delivered d -> status = DeliveryRepository.SUCCESS;
      case AttemptResult.Gone g -> status = DeliveryRepository.FAIL;
      case AttemptResult.Failed f -> {
        Optional<Duration> delay = task.manual() ? Optional.empty() : retry.nextDelay(attemptsMade, f.retryAfter());
        if (delay.isPresent()) {
          status = DeliveryRepository.PENDING;
          next = now + delay.get().toMillis();
        } else {
          status = DeliveryRepository.FAIL;
        }
      }
    }
    var attempt = new DeliveryRepository.AttemptRecord(ep.url(),
        result instanceof AttemptResult.Delivered ? DeliveryRepository.SUCCESS : DeliveryRepository.FAIL,
        result.statusCode(), result.response(), result.durationMs());
    final int finalStatus = status;
    final Long nextAt = next;
    boolean gone = result instanceof AttemptResult.Gone;
    if (!gone && task.subject() == null) {
      var outcome = new DeliveryRepository.Completion(task, attempt, finalStatus, nextAt, now);
      write(task, lane, () -> db.writes().submitLazily(outcomes, outcome), 0);
    } else {
      write(task, lane, h -> {
        boolean ours = DeliveryRepository.complete(h, task, claimToken, attempt, finalStatus, nextAt, now);
        if (gone && EndpointRepository.disable(h, ep.id(), now)) {
          log.info("endpoint {} answered 410 Gone and was disabled", ep.id());
        }
        return ours && Sequencing.afterAttempt(h, task, nextAt != null, now);
      });
    }
    if (gone) {
      endpoints.invalidate(ep.id());
    }
    if (nextAt != null) {
      earliestRetry.accumulateAndGet(nextAt, Math::min);
      // Only when the retry is due before the poller looks again anyway: waking it for every failed attempt made a
      // failing endpoint cost every tenant a claim query per failure (S5).
      // While it works (0) it may already have read the earliest retry, so it is woken then too: the permit makes
      // its next park return at once.
      long wakesAt = pollerWakesAt;
      if (wakesAt == 0 || nextAt < wakesAt) {
        LockSupport.unpark(poller);
      }
    }
    if (!gone) {
      // Its slot is free; after a 410 the lane waits for the endpoint's disabling to commit instead. Not blocking:
      // this runs where the answer was read, the HTTP client's network thread.
      drain(lane, false);
    }
  }

  /**
   * Outcomes with nothing to follow them (no subject, no 410 Gone): the ones that share a commit are recorded
   * together, their attempts as one batch and their delivery updates as another ({@link GroupOp}). None releases a
   * parked delivery.
   */
  private final GroupOp<DeliveryRepository.Completion, Boolean> outcomes = this::recordAll;

  private List<Boolean> recordAll(Handle h, List<DeliveryRepository.Completion> items) {
    DeliveryRepository.completeAll(h, claimToken, items);
    return Collections.nCopies(items.size(), Boolean.FALSE);
  }

  /** Records an outcome; {@code op} answers whether it released a parked delivery, which the poller then claims. */
  private void write(DeliveryTask task, Lane lane, WriteOp<Boolean> op) {
    write(task, lane, () -> db.writes().submitInBackground(op), 0);
  }

  /**
   * Records an outcome. While the database is unreachable the write is retried with backoff and the delivery stays
   * held: the outcome is known, and dropping it would leave the row claimed by this process, whose lease renewal
   * would keep it from ever being taken over. If this process dies first, the lease runs out and another process
   * sends the delivery again (at least once).
   */
  private void write(DeliveryTask task, Lane lane, Supplier<CompletableFuture<Boolean>> op, int tries) {
    op.get().whenCompleteAsync((released, err) -> {
      Throwable cause = err instanceof java.util.concurrent.CompletionException ? err.getCause() : err;
      if (cause instanceof StoreUnavailableException && running) {
        long backoff = Math.min(10_000, 250L << Math.min(tries, 6));
        if (tries == 0) {
          log.warn("recording delivery {} failed, retrying every {} ms at most: {}", task.id(), 10_000,
              cause.getMessage());
        }
        CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS)
            .execute(() -> write(task, lane, op, tries + 1));
        return;
      }
      if (err != null) {
        log.error("recording delivery {} failed; it is sent again when its claim is released or expires", task.id(),
            cause);
      }
      settle(task, lane);
      if (Boolean.TRUE.equals(released)) {
        wake();
      }
    }, OFF_THE_WRITER);
  }

  /**
   * Where an outcome's follow-up runs: settling it sends the lane's next delivery, and the writer's thread must not
   * spend its time on HTTP. When it did, draining a backlog (no ingest to carry the sends) had a quarter of the
   * writer's samples in HTTP sends, and the writer was the busiest thread. A committed outcome is completed on a
   * virtual thread that the write queue starts for its whole commit, and the follow-up runs there in place; completed
   * on a platform thread (the writer, after a failed commit, or the HTTP client's network thread when the write was
   * done before this was attached), it moves to a virtual thread of its own.
   */
  static final Executor OFF_THE_WRITER = task -> {
    if (Thread.currentThread().isVirtual()) {
      task.run();
    } else {
      Thread.startVirtualThread(task);
    }
  };

  /**
   * The endpoint answered (or the delivery ends without a request): its slot is free for the lane's next request
   * while this outcome is written (the caller drains the lane, or settling does). Holding the slot until the commit
   * made every request to an endpoint wait for a commit as well as for the receiver. The delivery leaves the lane's
   * count here, so a lane that spilled and has drained to half is refilled now, not a commit later. Called once per
   * delivery taken from the queue, before it settles; not blocking (it runs on the HTTP client's network thread).
   */
  private void answered(Lane lane) {
    boolean drained = false;
    synchronized (lane) {
      lane.sending--;
      // Half empty, not merely below the cap: one claim then refills it with many rows instead of one per attempt.
      if (lane.spilled && !lane.refilling && lane.held() <= laneCap / 2) {
        lane.spilled = false;
        lane.refilling = true;
        drained = true;
      }
    }
    if (drained) {
      refills.add(lane.endpointId); // its endpoint's rows wait in the table
      LockSupport.unpark(poller);
    }
  }

  private void settle(DeliveryTask task, Lane lane) {
    held.remove(task.id());
    if (inMemory.getAndDecrement() == settings.maxInFlight()) {
      wake(); // room again: unclaimed work may be waiting in the table
    }
    inFlight.decrementAndGet();
    drain(lane);
  }

  /** Deliveries in memory (queued or in flight), for health and metrics. */
  public int inMemory() {
    return inMemory.get();
  }

  /**
   * Stops taking work, lets attempts in flight finish and record their outcome (up to one delivery timeout), then
   * gives back the claims of deliveries still queued in memory, so another process (or the next start) can send
   * them at once instead of waiting for their lease to run out.
   */
  @Override
  public void close() {
    running = false;
    if (poller == null) {
      return;
    }
    renewer.close();
    LockSupport.unpark(poller);
    try {
      poller.join(5_000);
      long deadline = System.nanoTime() + settings.timeout().plusSeconds(2).toNanos();
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    outgoing.close();
    try {
      int released = db.writes().execute(h -> h.createUpdate(
              "UPDATE delivery SET lease_until = NULL, claim_token = NULL WHERE claim_token = :token")
          .bind("token", claimToken).execute());
      log.info("stopped; {} queued deliveries handed back", released);
    } catch (RuntimeException e) {
      log.warn("could not hand back queued deliveries; they are taken over when their lease runs out: {}",
          e.getMessage());
    }
  }
}
