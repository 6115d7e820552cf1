package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.api.PageRequest;
import io.herald.server.application.Application;
import io.herald.server.application.ApplicationRepository;
import io.herald.server.config.ConfigLoader;
import io.herald.server.endpoint.EndpointRepository;
import io.herald.server.store.Database;
import io.herald.server.store.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The queue's contract, run against every storage engine: {@link SqliteStoreContractTest} and
 * {@link PostgresStoreContractTest}. A behaviour change extends this suite, not one engine's tests.
 */
abstract class StoreContract {
  static final long T0 = 1_800_000_000_000L;

  Database db;
  DeliveryRepository deliveries;

  /** Settings that select the engine (a fresh database each time). */
  abstract Map<String, String> store();

  @BeforeEach
  void open() {
    db = Database.open(ConfigLoader.load(store()));
    deliveries = new DeliveryRepository(db);
    db.writes().execute(h -> {
      h.execute("INSERT INTO application (id, name, metadata, created_at, updated_at) VALUES ('app_1', 'a', '{}', 0, 0)");
      h.execute("INSERT INTO endpoint (id, app_id, url, metadata, headers, secret, created_at, updated_at) "
          + "VALUES ('ep_1', 'app_1', 'http://127.0.0.1/', '{}', '{}', 'whsec_x', 0, 0)");
      return null;
    });
  }

  @AfterEach
  void close() {
    db.close();
  }

  long message(String id, long createdAt) {
    return db.writes().execute(h -> {
      h.createUpdate("INSERT INTO message (id, app_id, event_type, payload, created_at) "
              + "VALUES (:id, 'app_1', 'e', :payload, :at)")
          .bind("id", id).bind("payload", ("{\"id\":\"" + id + "\"}").getBytes()).bind("at", createdAt).execute();
      return DeliveryRepository.insert(h, id, "ep_1", "app_1", createdAt, null, null);
    });
  }

  List<DeliveryTask> claim(long now, String token, int limit) {
    return db.writes().execute(h -> deliveries.claimDue(h, now, now + 60_000, token, limit, List.of(), ep -> true))
        .tasks();
  }

  @Test
  void a_claim_skips_full_endpoints_and_takes_no_more_than_a_lane_admits() {
    db.writes().execute(h -> h.execute("INSERT INTO endpoint (id, app_id, url, metadata, headers, secret, created_at, "
        + "updated_at) VALUES ('ep_2', 'app_1', 'http://127.0.0.1/2', '{}', '{}', 'whsec_x', 0, 0)"));
    for (int i = 0; i < 6; i++) {
      message("msg_" + i, T0 + i);
    }
    db.writes().execute(h -> DeliveryRepository.insert(h, "msg_5", "ep_2", "app_1", T0 + 10, null, null));

    var skipped = db.writes().execute(h -> deliveries.claimDue(h, T0 + 10, T0 + 60_000, "node_1", 10,
        List.of("ep_1"), ep -> true));
    assertThat(skipped.tasks()).extracting(DeliveryTask::endpointId).containsExactly("ep_2");

    int[] admitted = {0};
    var limited = db.writes().execute(h -> deliveries.claimDue(h, T0 + 10, T0 + 60_000, "node_1", 10,
        List.of(), ep -> admitted[0]++ < 2));
    assertThat(limited.scanned()).isEqualTo(6);
    assertThat(limited.tasks()).extracting(DeliveryTask::msgId).containsExactly("msg_0", "msg_1");
    assertThat(claim(T0 + 10, "node_2", 10)).as("what the lane did not admit stays claimable")
        .extracting(DeliveryTask::msgId).containsExactly("msg_2", "msg_3", "msg_4", "msg_5");
  }

  @Test
  void a_lane_refill_takes_only_its_endpoints_due_unclaimed_rows_oldest_first() {
    db.writes().execute(h -> h.execute("INSERT INTO endpoint (id, app_id, url, metadata, headers, secret, created_at, "
        + "updated_at) VALUES ('ep_2', 'app_1', 'http://127.0.0.1/2', '{}', '{}', 'whsec_x', 0, 0)"));
    for (int i = 0; i < 5; i++) {
      message("msg_" + i, T0 + 5 - i); // inserted newest first: the refill must order by due time, not by id
    }
    db.writes().execute(h -> DeliveryRepository.insert(h, "msg_0", "ep_2", "app_1", T0, null, null));
    message("msg_late", T0 + 50);
    List<DeliveryTask> held = db.writes().execute(h -> deliveries.claimDueFor(h, "ep_1", T0 + 2, T0 + 60_000,
        "node_1", 10)).tasks();
    assertThat(held).extracting(DeliveryTask::msgId).as("due by T0+2, oldest first").containsExactly("msg_4", "msg_3");

    var refill = db.writes().execute(h -> deliveries.claimDueFor(h, "ep_1", T0 + 10, T0 + 60_000, "node_1", 2));
    assertThat(refill.scanned()).as("a full refill: there may be more").isEqualTo(2);
    assertThat(refill.tasks()).extracting(DeliveryTask::msgId).containsExactly("msg_2", "msg_1");
    assertThat(refill.tasks()).extracting(DeliveryTask::endpointId).containsOnly("ep_1");

    var rest = db.writes().execute(h -> deliveries.claimDueFor(h, "ep_1", T0 + 10, T0 + 60_000, "node_1", 10));
    assertThat(rest.tasks()).as("claimed rows, other endpoints' rows and rows not yet due stay")
        .extracting(DeliveryTask::msgId).containsExactly("msg_0");
    assertThat(claim(T0 + 100, "node_2", 10)).extracting(DeliveryTask::msgId)
        .containsExactlyInAnyOrder("msg_0", "msg_late");
  }

  @Test
  void claims_due_deliveries_with_their_payload_once() {
    message("msg_a", T0);
    List<DeliveryTask> first = claim(T0, "node_1", 10);
    assertThat(first).singleElement().satisfies(t -> {
      assertThat(t.msgId()).isEqualTo("msg_a");
      assertThat(new String(t.payload())).isEqualTo("{\"id\":\"msg_a\"}");
      assertThat(t.leaseUntil()).isEqualTo(T0 + 60_000);
    });
    assertThat(claim(T0 + 1, "node_2", 10)).isEmpty();
  }

  @Test
  void a_delivery_is_not_claimed_before_it_is_due() {
    long id = message("msg_a", T0);
    DeliveryTask t = claim(T0, "node_1", 10).get(0);
    db.writes().execute(h -> DeliveryRepository.complete(h, t, "node_1", attempt(500), 1, T0 + 5_000, T0));
    assertThat(claim(T0 + 4_999, "node_1", 10)).isEmpty();
    assertThat(claim(T0 + 5_000, "node_1", 10)).extracting(DeliveryTask::id).containsExactly(id);
  }

  @Test
  void an_expired_lease_is_taken_over_and_the_old_owner_is_fenced_out() {
    message("msg_a", T0);
    DeliveryTask zombie = claim(T0, "node_1", 10).get(0);
    DeliveryTask rescued = claim(T0 + 60_001, "node_2", 10).get(0);
    assertThat(rescued.id()).isEqualTo(zombie.id());

    boolean zombieWrote = db.writes().execute(h -> DeliveryRepository.complete(h, zombie, "node_1", attempt(500), 2, null, T0));
    boolean rescuerWrote = db.writes().execute(h -> DeliveryRepository.complete(h, rescued, "node_2", attempt(200), 0, null, T0));

    assertThat(zombieWrote).isFalse();
    assertThat(rescuerWrote).isTrue();
    assertThat(status(zombie.id())).isZero();
  }

  @Test
  void outcomes_recorded_together_are_each_fenced_on_the_claim() {
    for (int i = 0; i < 3; i++) {
      message("msg_" + i, T0 + i);
    }
    List<DeliveryTask> held = claim(T0 + 2, "node_1", 10);
    DeliveryTask taken = held.get(0);
    DeliveryTask retried = held.get(1);
    DeliveryTask gone = held.get(2);
    assertThat(claim(T0 + 60_003, "node_2", 1)).as("node_1's oldest claim expired and node_2 took it over")
        .extracting(DeliveryTask::id).containsExactly(taken.id());
    List<DeliveryRepository.Completion> outcomes = List.of(
        new DeliveryRepository.Completion(taken, attempt(200), 0, null, T0 + 3),
        new DeliveryRepository.Completion(retried, attempt(500), 1, T0 + 5_000, T0 + 3),
        new DeliveryRepository.Completion(gone, attempt(410), 2, null, T0 + 3));

    boolean[] ours = db.writes().execute(h -> DeliveryRepository.completeAll(h, "node_1", outcomes));

    assertThat(ours).containsExactly(false, true, true);
    assertThat(status(taken.id())).as("node_2's claim stands").isEqualTo(1);
    assertThat(status(gone.id())).isEqualTo(2);
    assertThat(claim(T0 + 5_000, "node_3", 10)).as("the retry is due at T0+5000, unclaimed; node_2 still holds its own")
        .extracting(DeliveryTask::id).containsExactly(retried.id());
    assertThat(ints("SELECT response_status_code FROM attempt"))
        .as("the fenced-out attempt is a row of its own: its delivery's row is node_2's").containsExactly(200);
    assertThat(ints("SELECT attempt_status_code FROM delivery WHERE attempt_id IS NOT NULL ORDER BY attempt_status_code"))
        .as("first attempts recorded with their deliveries").containsExactly(410, 500);
    var attempts = new AttemptRepository(db);
    for (DeliveryTask t : held) {
      assertThat(attempts.list("app_1", new PageRequest(10, null, false, true),
          new AttemptRepository.Filter(t.msgId(), null, null, null, null, null, null)))
          .as("every request that happened is on record, fenced or not").hasSize(1);
    }
  }

  /**
   * A delivery's first attempt is kept in its row, later ones in the attempt table, and every read of attempts sees
   * them as one list in id order: by message, by endpoint, filtered, paged, one by one, with a response deleted.
   */
  @Test
  void a_deliverys_first_attempt_is_kept_in_its_row_and_read_with_the_later_ones() {
    endpointIn("app_1", "ep_2");
    String msgId = Ids.next("msg", T0);
    message(msgId, T0);
    db.writes().execute(h -> DeliveryRepository.insert(h, msgId, "ep_2", "app_1", T0, null, null));
    attempted(msgId, "ep_1", T0 + 1, 503, 500, 200); // a first attempt, then two retries
    attempted(msgId, "ep_2", T0 + 10, 200); // ids order by time only between milliseconds

    assertThat(count("attempt")).as("the retries only").isEqualTo(2);
    var attempts = new AttemptRepository(db);
    List<AttemptOut> byMessage = attempts.list("app_1", new PageRequest(10, null, false, true),
        new AttemptRepository.Filter(msgId, null, null, null, null, null, null));
    assertThat(byMessage).extracting(AttemptOut::responseStatusCode).as("newest first").containsExactly(200, 200, 500, 503);
    assertThat(byMessage).extracting(AttemptOut::id).isSortedAccordingTo(Collections.reverseOrder());
    AttemptOut first = byMessage.get(3);
    assertThat(first.endpointId()).isEqualTo("ep_1");
    assertThat(first.url()).isEqualTo("http://127.0.0.1/");
    assertThat(first.status()).isEqualTo(2);
    assertThat(first.response()).isEqualTo("answer 503");
    assertThat(first.responseDurationMs()).isEqualTo(1);
    assertThat(first.timestamp()).isEqualTo(io.herald.server.api.Json.time(T0 + 1));

    var ep1 = new AttemptRepository.Filter(null, "ep_1", null, null, null, null, null);
    List<AttemptOut> page1 = attempts.list("app_1", new PageRequest(2, null, false, true), ep1);
    assertThat(page1).extracting(AttemptOut::responseStatusCode).as("a page of 2, and one more: there is a next")
        .containsExactly(200, 500, 503);
    assertThat(attempts.list("app_1", new PageRequest(2, page1.get(1).id(), false, true), ep1))
        .extracting(AttemptOut::responseStatusCode).as("the page after the second").containsExactly(503);
    assertThat(attempts.list("app_1", new PageRequest(10, null, false, true),
        new AttemptRepository.Filter(msgId, "ep_1", null, 500, null, null, null)))
        .extracting(AttemptOut::responseStatusCode).as("5xx answers to ep_1").containsExactly(500, 503);
    assertThat(attempts.list("app_1", new PageRequest(10, null, false, true),
        new AttemptRepository.Filter(null, "ep_1", 0, null, null, null, T0 + 1)))
        .extracting(AttemptOut::responseStatusCode).as("succeeded, after the first").containsExactly(200);
    assertThat(attempts.list("app_2", new PageRequest(10, null, false, true), ep1)).as("another tenant's").isEmpty();

    assertThat(attempts.find("app_1", msgId, first.id())).contains(first);
    assertThat(attempts.find("app_2", msgId, first.id())).isEmpty();
    attempts.deleteResponse(msgId, first.id());
    assertThat(attempts.find("app_1", msgId, first.id())).get().extracting(AttemptOut::response).isEqualTo("");
    AttemptOut retry = byMessage.get(2);
    attempts.deleteResponse(msgId, retry.id());
    assertThat(attempts.find("app_1", msgId, retry.id())).get().extracting(AttemptOut::response).isEqualTo("");
    assertThat(attempts.find("app_1", msgId, byMessage.get(0).id())).get().extracting(AttemptOut::response)
        .isEqualTo("answer 200");
  }

  /**
   * A claim's count of attempts may be behind its row's: a process whose lease expired recorded a first attempt
   * after another took the delivery over. The second first attempt must not overwrite the one in the row.
   */
  @Test
  void a_first_attempt_never_overwrites_one_already_in_the_row() {
    message("msg_a", T0);
    DeliveryTask stale = claim(T0, "node_1", 10).get(0);
    boolean first = db.writes().execute(h -> DeliveryRepository.complete(h, stale, "node_1", attempt(503), 1, T0 + 5, T0));
    assertThat(first).isTrue();
    db.writes().execute(h -> h.execute("UPDATE delivery SET claim_token = 'node_2' WHERE id = ?", stale.id()));

    boolean second = db.writes().execute(h -> DeliveryRepository.complete(h, stale, "node_2", attempt(200), 0, null,
        T0 + 6));
    assertThat(second).as("still node_2's claim").isTrue();

    assertThat(ints("SELECT attempt_status_code FROM delivery")).containsExactly(503);
    assertThat(ints("SELECT response_status_code FROM attempt")).containsExactly(200);
    assertThat(status(stale.id())).isZero();
  }

  @Test
  void deliveries_inserted_together_get_the_ids_of_their_own_rows() {
    db.writes().execute(h -> h.execute("INSERT INTO endpoint (id, app_id, url, metadata, headers, secret, created_at, "
        + "updated_at) VALUES ('ep_2', 'app_1', 'http://127.0.0.1/2', '{}', '{}', 'whsec_x', 0, 0)"));
    long before = message("msg_0", T0);
    List<DeliveryRepository.NewDelivery> rows = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String msg = "msg_" + i;
      db.writes().execute(h -> h.execute("INSERT INTO message (id, app_id, event_type, payload, created_at) "
          + "VALUES (?, 'app_1', 'e', ?, ?)", msg, new byte[] {'{', '}'}, T0));
      rows.add(new DeliveryRepository.NewDelivery(msg, "ep_1", "app_1", T0 + i, T0 + 60_000, "node_1"));
      rows.add(new DeliveryRepository.NewDelivery(msg, "ep_2", "app_1", T0 + i, null, null));
    }

    long[] ids = db.writes().execute(h -> DeliveryRepository.insertAll(h, db.dialect(), rows));
    long after = message("msg_4", T0);

    assertThat(ids).hasSize(6).doesNotHaveDuplicates().doesNotContain(before, after);
    for (int i = 0; i < ids.length; i++) {
      assertStored(ids[i], rows.get(i));
    }
    assertThat(claim(T0 + 10, "node_2", 10)).as("the unclaimed rows, and msg_0's and msg_4's")
        .extracting(DeliveryTask::id).containsExactlyInAnyOrder(before, ids[1], ids[3], ids[5], after);
  }

  /** A fan-out chunk's insert: one statement on PostgreSQL, which must skip what a resend created first. */
  @Test
  void deliveries_inserted_if_absent_together_skip_existing_rows_and_get_the_ids_of_their_own() {
    endpointIn("app_1", "ep_2");
    endpointIn("app_1", "ep_3");
    long existing = message("msg_0", T0);
    List<DeliveryRepository.NewDelivery> rows = List.of(
        new DeliveryRepository.NewDelivery("msg_0", "ep_3", "app_1", T0 + 1, T0 + 60_000, "node_1"),
        new DeliveryRepository.NewDelivery("msg_0", "ep_1", "app_1", T0 + 1, T0 + 60_000, "node_1"),
        new DeliveryRepository.NewDelivery("msg_0", "ep_2", "app_1", T0 + 1, null, "node_1"));

    long[] ids = db.writes().execute(h -> DeliveryRepository.insertAllIfAbsent(h, db.dialect(), rows));

    assertThat(ids[1]).as("ep_1 had its delivery already").isEqualTo(-1);
    assertThat(ids[0]).isPositive().isNotEqualTo(ids[2]).isNotEqualTo(existing);
    assertThat(ids[2]).isPositive().isNotEqualTo(existing);
    assertStored(ids[0], rows.get(0));
    assertStored(ids[2], new DeliveryRepository.NewDelivery("msg_0", "ep_2", "app_1", T0 + 1, null, null));
    assertStored(existing, new DeliveryRepository.NewDelivery("msg_0", "ep_1", "app_1", T0, null, null));
  }

  private void assertStored(long id, DeliveryRepository.NewDelivery r) {
    Map<String, Object> row = db.reads().withHandle(h -> h.createQuery(
            "SELECT msg_id, endpoint_id, next_attempt_at, lease_until, claim_token FROM delivery WHERE id = :id")
        .bind("id", id).mapToMap().one());
    assertThat(row.get("msg_id")).isEqualTo(r.msgId());
    assertThat(row.get("endpoint_id")).isEqualTo(r.endpointId());
    assertThat(((Number) row.get("next_attempt_at")).longValue()).isEqualTo(r.now());
    assertThat(row.get("lease_until") == null ? null : ((Number) row.get("lease_until")).longValue())
        .isEqualTo(r.leaseUntil());
    assertThat(row.get("claim_token")).isEqualTo(r.claimToken());
  }

  @Test
  void concurrent_claimers_never_take_the_same_delivery() throws Exception {
    for (int i = 0; i < 400; i++) {
      message(String.format("msg_%04d", i), T0);
    }
    List<Callable<List<Long>>> claimers = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      String token = "node_" + c;
      claimers.add(() -> {
        List<Long> mine = new ArrayList<>();
        List<DeliveryTask> got;
        do {
          got = claim(T0, token, 7);
          got.forEach(t -> mine.add(t.id()));
        } while (!got.isEmpty());
        return mine;
      });
    }
    List<Long> all = Collections.synchronizedList(new ArrayList<>());
    try (var pool = Executors.newFixedThreadPool(8)) {
      for (Future<List<Long>> f : pool.invokeAll(claimers)) {
        all.addAll(f.get());
      }
    }
    assertThat(all).hasSize(400);
    assertThat(new HashSet<>(all)).hasSize(400);
  }

  @Test
  void release_makes_a_delivery_due_again_at_once() {
    message("msg_a", T0);
    DeliveryTask t = claim(T0, "node_1", 10).get(0);
    db.writes().execute(h -> {
      DeliveryRepository.release(h, t.id(), "node_1");
      return null;
    });
    assertThat(claim(T0, "node_2", 10)).hasSize(1);
  }

  @Test
  void retention_removes_final_history_in_batches_and_keeps_pending_work() {
    int old = Retention.FIRST_BATCH * 4 + 10; // several batches, the first ones growing
    // Ids carry their creation time, which is what retention ranges over (store/Ids.java).
    for (int i = 0; i < old; i++) {
      String msgId = Ids.next("msg", T0);
      message(msgId, T0);
      attempted(msgId, "ep_1", T0, 500, 200); // one attempt kept in the delivery row, one in the attempt table
    }
    String pending = Ids.next("msg", T0);
    message(pending, T0);
    String recent = Ids.next("msg", T0 + Duration.ofDays(40).toMillis());
    message(recent, T0 + Duration.ofDays(40).toMillis());
    String fanningOut = Ids.next("msg", T0); // old, no delivery yet: its background fan-out has not run
    db.writes().execute(h -> {
      h.execute("INSERT INTO message (id, app_id, event_type, payload, created_at) VALUES (?, 'app_1', 'e', ?, ?)",
          fanningOut, new byte[0], T0);
      h.execute("INSERT INTO fanout (msg_id, after_endpoint, created_at) VALUES (?, '', ?)", fanningOut, T0);
      return null;
    });

    Clock clock = Clock.fixed(Instant.ofEpochMilli(T0 + Duration.ofDays(45).toMillis()), ZoneOffset.UTC);
    new Retention(db, clock, Duration.ofDays(30), Duration.ZERO, Duration.ofHours(1)).runOnce();

    Set<String> left = new HashSet<>(db.reads().withHandle(h -> h.createQuery("SELECT id FROM message")
        .mapTo(String.class).list()));
    assertThat(left).containsExactlyInAnyOrder(pending, recent, fanningOut);
    assertThat(count("attempt")).as("of " + old * 2 + " attempts, half of them rows of their own").isZero();
    assertThat(count("delivery")).isEqualTo(2);
  }

  /**
   * Ten thousand messages made within a millisecond, 2 ms before the cutoff: no pass deletes them in real time (they
   * take several batches, each a commit and a rest), so it deletes them all and reports that it fell behind.
   */
  @Test
  void a_pass_slower_than_history_ages_says_it_fell_behind() throws Exception {
    int old = 10_000;
    oldMessages(old, 1);
    Clock clock = Clock.fixed(Instant.ofEpochMilli(T0 + Duration.ofDays(30).toMillis() + 2), ZoneOffset.UTC);

    Logged logged = logged(new Retention(db, clock, Duration.ofDays(30), Duration.ZERO, Duration.ofHours(1))::runOnce);
    Retention.Pass pass = logged.pass();

    assertThat(pass.removed()).isEqualTo(old);
    assertThat(count("message")).isZero();
    assertThat(pass.covered()).isEqualTo(Duration.ofMillis(2));
    assertThat(pass.took()).isGreaterThan(pass.covered());
    assertThat(pass.keptUp()).isFalse();
    assertThat(logged.warnings()).singleElement().asString()
        .contains("slower than history ages").contains("docs/deployment.md");
  }

  /**
   * Ten days of history before the cutoff take far less than ten days to delete; an empty pass has nothing to keep up
   * with.
   */
  @Test
  void a_pass_that_covers_history_faster_than_it_ages_kept_up() throws Exception {
    int old = 600;
    oldMessages(old, Duration.ofDays(5).toMillis());
    Clock clock = Clock.fixed(Instant.ofEpochMilli(T0 + Duration.ofDays(40).toMillis()), ZoneOffset.UTC);
    Retention retention = new Retention(db, clock, Duration.ofDays(30), Duration.ZERO, Duration.ofHours(1));

    Logged logged = logged(retention::runOnce);
    Retention.Pass pass = logged.pass();

    assertThat(pass.removed()).isEqualTo(old);
    assertThat(pass.covered()).isEqualTo(Duration.ofDays(10));
    assertThat(pass.keptUp()).isTrue();
    assertThat(logged.warnings()).isEmpty();
    Retention.Pass empty = retention.runOnce();
    assertThat(empty.removed()).isZero();
    assertThat(empty.covered()).isZero();
    assertThat(empty.keptUp()).isTrue();
  }

  /** A retention pass and the warnings Retention logged while it ran. */
  private record Logged(Retention.Pass pass, List<String> warnings) {}

  private Logged logged(Callable<Retention.Pass> run) throws Exception {
    var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Retention.class);
    var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
    appender.start();
    logger.addAppender(appender);
    Retention.Pass pass;
    try {
      pass = run.call();
    } finally {
      logger.detachAppender(appender);
    }
    return new Logged(pass, appender.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
        .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList());
  }

  /** {@code n} final messages (no delivery) from T0, spread evenly over {@code spanMillis}, in one write. */
  private void oldMessages(int n, long spanMillis) {
    db.writes().execute(h -> {
      var batch = h.prepareBatch(
          "INSERT INTO message (id, app_id, event_type, payload, created_at) VALUES (:id, 'app_1', 'e', :p, :at)");
      for (int i = 0; i < n; i++) {
        long at = T0 + spanMillis * i / n;
        batch.bind("id", Ids.next("msg", at)).bind("p", new byte[0]).bind("at", at).add();
      }
      return batch.execute();
    });
  }

  @Test
  void a_started_retention_waits_for_its_first_pass_and_then_deletes() {
    String old = Ids.next("msg", T0); // no delivery: final, so the first pass removes it
    db.writes().execute(h -> h.execute(
        "INSERT INTO message (id, app_id, event_type, payload, created_at) VALUES (?, 'app_1', 'e', ?, ?)",
        old, new byte[0], T0));
    Clock clock = Clock.fixed(Instant.ofEpochMilli(T0 + Duration.ofDays(45).toMillis()), ZoneOffset.UTC);

    try (Retention later = new Retention(db, clock, Duration.ofDays(30), Duration.ofHours(1), Duration.ofHours(1))) {
      later.start();
      // A pass over one message takes milliseconds: started at once, it would have removed it by now.
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
      assertThat(count("message")).as("within its first delay").isEqualTo(1);
    }
    try (Retention now = new Retention(db, clock, Duration.ofDays(30), Duration.ZERO, Duration.ofHours(1))) {
      now.start();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count("message") == 0);
    }
  }

  /**
   * On PostgreSQL the per-delivery tables have no foreign keys (postgresql/V7), so these deletions are the code's
   * own work, not a cascade's: each must take its own rows and leave every other endpoint's and application's.
   */
  @Test
  void deleting_an_endpoint_removes_its_deliveries_and_attempts_and_no_others() {
    endpointIn("app_1", "ep_2");
    for (int i = 0; i < 3; i++) {
      String msgId = Ids.next("msg", T0);
      message(msgId, T0);
      attempted(msgId, "ep_1");
      db.writes().execute(h -> DeliveryRepository.insert(h, msgId, "ep_2", "app_1", T0, null, null));
      attempted(msgId, "ep_2");
    }

    new EndpointRepository(db).delete("ep_1");

    assertThat(rowsOf("endpoint_id", "ep_1")).containsExactly(0L, 0L);
    assertThat(rowsOf("endpoint_id", "ep_2")).as("deliveries, attempts").containsExactly(3L, 6L);
    assertThat(count("message")).isEqualTo(3);
  }

  @Test
  void deleting_an_application_removes_its_messages_deliveries_and_attempts_and_no_others() {
    db.writes().execute(h -> h.execute(
        "INSERT INTO application (id, name, metadata, created_at, updated_at) VALUES ('app_2', 'b', '{}', 0, 0)"));
    endpointIn("app_2", "ep_2");
    for (int i = 0; i < 2; i++) {
      String mine = Ids.next("msg", T0);
      message(mine, T0);
      attempted(mine, "ep_1");
      String theirs = Ids.next("msg", T0);
      db.writes().execute(h -> {
        h.execute("INSERT INTO message (id, app_id, event_type, payload, created_at) VALUES (?, 'app_2', 'e', ?, ?)",
            theirs, new byte[0], T0);
        return DeliveryRepository.insert(h, theirs, "ep_2", "app_2", T0, null, null);
      });
      attempted(theirs, "ep_2");
    }

    new ApplicationRepository(db, 0).delete("app_1");

    assertThat(rowsOf("app_id", "app_1")).as("deliveries, attempts").containsExactly(0L, 0L);
    assertThat(rowsOf("app_id", "app_2")).as("deliveries, attempts").containsExactly(2L, 4L);
    assertThat(strings("SELECT app_id FROM message")).containsExactly("app_2", "app_2");
    assertThat(strings("SELECT id FROM endpoint")).containsExactly("ep_2");
  }

  private List<String> strings(String sql) {
    return db.reads().withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
  }

  private void endpointIn(String appId, String endpointId) {
    db.writes().execute(h -> h.execute("INSERT INTO endpoint (id, app_id, url, metadata, headers, secret, created_at, "
        + "updated_at) VALUES (?, ?, 'http://127.0.0.1/2', '{}', '{}', 'whsec_x', 0, 0)", endpointId, appId));
  }

  /** Records a failed attempt of the message's delivery to the endpoint, then a successful one, as the dispatcher does. */
  private void attempted(String msgId, String endpointId) {
    attempted(msgId, endpointId, T0, 500, 200);
  }

  /**
   * Records attempts of the message's delivery to the endpoint at {@code at}, as the dispatcher does: one per status
   * code, each answered with "answer " and its code, retried until the last, which ends the delivery.
   */
  private void attempted(String msgId, String endpointId, long at, int... codes) {
    db.writes().execute(h -> {
      var row = h.createQuery("SELECT id, app_id FROM delivery WHERE msg_id = :m AND endpoint_id = :e")
          .bind("m", msgId).bind("e", endpointId).mapToMap().one();
      long id = ((Number) row.get("id")).longValue();
      String appId = (String) row.get("app_id");
      for (int i = 0; i < codes.length; i++) {
        h.execute("UPDATE delivery SET claim_token = 'n' WHERE id = ?", id);
        DeliveryTask t = new DeliveryTask(id, msgId, endpointId, appId, "e", new byte[0], i, false, 0, null, null);
        var a = new DeliveryRepository.AttemptRecord("http://127.0.0.1/", codes[i] < 300 ? 0 : 2, codes[i],
            "answer " + codes[i], 1);
        boolean last = i == codes.length - 1;
        DeliveryRepository.complete(h, t, "n", a, last ? (codes[i] < 300 ? 0 : 2) : 1, last ? null : at + 1, at + i);
      }
      return null;
    });
  }

  /** The number of deliveries and of attempts (kept in a delivery row or a row of their own) whose {@code column} is {@code value}. */
  private List<Long> rowsOf(String column, String value) {
    return db.reads().withHandle(h -> List.of(
        h.createQuery("SELECT COUNT(*) FROM delivery WHERE " + column + " = ?").bind(0, value).mapTo(Long.class).one(),
        h.createQuery("SELECT COUNT(*) FROM attempt WHERE " + column + " = ?").bind(0, value).mapTo(Long.class).one()
            + h.createQuery("SELECT COUNT(*) FROM delivery WHERE attempt_id IS NOT NULL AND " + column + " = ?")
                .bind(0, value).mapTo(Long.class).one()));
  }

  @Test
  void ids_page_in_byte_order() {
    ApplicationRepository apps = new ApplicationRepository(db, 0);
    for (String id : List.of("app_b", "app_A", "app_a", "app_B", "app_0")) {
      apps.insert(new Application(id, null, "n", null, "{}", 0, 0));
    }
    var page = new PageRequest(10, null, false, false);
    assertThat(apps.list(page)).extracting(Application::id)
        .containsExactly("app_0", "app_1", "app_A", "app_B", "app_a", "app_b");
    var after = new PageRequest(10, "app_B", false, false);
    assertThat(apps.list(after)).extracting(Application::id).containsExactly("app_a", "app_b");
  }

  @Test
  void a_reused_event_id_inserts_nothing() {
    int first = insertWithEventId("msg_1");
    int second = insertWithEventId("msg_2");
    assertThat(first).isEqualTo(1);
    assertThat(second).isZero();
  }

  private int insertWithEventId(String id) {
    return db.writes().execute(h -> h.createUpdate("INSERT INTO message (id, app_id, event_id, event_type, payload, "
            + "created_at) VALUES (:id, 'app_1', 'evt', 'e', :p, 0) "
            + "ON CONFLICT (app_id, event_id) WHERE event_id IS NOT NULL DO NOTHING")
        .bind("id", id).bind("p", new byte[] {'{', '}'}).execute());
  }

  private static DeliveryRepository.AttemptRecord attempt(int code) {
    return new DeliveryRepository.AttemptRecord("http://127.0.0.1/", code < 300 ? 0 : 2, code, "", 1);
  }

  private int status(long deliveryId) {
    return db.reads().withHandle(h -> h.createQuery("SELECT status FROM delivery WHERE id = :id")
        .bind("id", deliveryId).mapTo(Integer.class).one());
  }

  private List<Integer> ints(String sql) {
    return db.reads().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).list());
  }

  private long count(String table) {
    return db.reads().withHandle((Handle h) -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
  }
}
