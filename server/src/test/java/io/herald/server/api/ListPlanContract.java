package io.herald.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.config.ConfigLoader;
import io.herald.server.delivery.AttemptOut;
import io.herald.server.delivery.AttemptRepository;
import io.herald.server.delivery.DeliveryRepository;
import io.herald.server.endpoint.Endpoint;
import io.herald.server.endpoint.EndpointRepository;
import io.herald.server.message.Message;
import io.herald.server.message.MessageRepository;
import io.herald.server.store.Database;
import io.herald.server.subject.Subject;
import io.herald.server.subject.SubjectRepository;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every list scoped to an application, an endpoint or a message reads its page from its scope's index, on every
 * storage engine ({@link SqliteListPlanTest}, {@link PostgresListPlanTest}), with skewed tenants: app_old's rows are
 * nine in ten and all older than app_new's. That is the shape under which PostgreSQL read the primary key backwards
 * and filtered, walking past every newer row for one page. The test runs the repositories' own statements, first
 * and middle pages each way, checks each page's rows against the scope's ids, then asks the engine for the plan of
 * the statement it ran, with the same values.
 */
abstract class ListPlanContract {
  static final int OLD = 3_000;
  static final int NEW = 300;
  /** A message of app_old sent to its first 200 endpoints, for the lists of one message. */
  static final String FANNED = id("msg_", "a", 1_500);

  Database db;
  final List<String> statements = new ArrayList<>();
  /** The subject whose messages a test lists, for the plan's values. */
  String subject = "order_7";

  /** Settings that select the engine (a fresh database each time). */
  abstract Map<String, String> store();

  /** The engine's plan of a statement, one line per step. */
  abstract List<String> plan(Handle h, String sql, Map<String, Object> values);

  /**
   * Fails unless the plan reads its rows from an index range and filters none out; with {@code inOrder}, unless it
   * also reads them in the page's order, sorting none.
   */
  abstract void assertReadsOneIndexRange(String plan, boolean inOrder);

  /** Fails unless the plan reads its rows through {@code index}, scanning no table. */
  abstract void assertUsesIndex(String plan, String index);

  /**
   * For an attempt list, the union of its two sources (a delivery's first attempt in its row, later ones in the
   * attempt table): fails unless each source reads its rows from its index, a page at most, scanning no table; with
   * {@code inOrder}, unless each also reads them in the page's order, so that only the parts' bounded results are
   * sorted, if anything is.
   */
  abstract void assertReadsEachPart(String plan, boolean inOrder, String... indexes);

  /** The engine's name for the delivery table's (msg_id, endpoint_id) key. */
  abstract String deliveryKey();

  @BeforeEach
  void seed() {
    db = Database.open(ConfigLoader.load(store()));
    db.writes().execute(h -> {
      h.execute("INSERT INTO application (id, name, metadata, created_at, updated_at) "
          + "VALUES ('app_old', 'a', '{}', 0, 0), ('app_new', 'b', '{}', 0, 0)");
      batch(h, "INSERT INTO endpoint (id, app_id, url, metadata, headers, secret, created_at, updated_at) "
          + "VALUES (?, ?, 'http://127.0.0.1/', '{}', '{}', 'whsec_x', 0, 0)", "ep_", OLD / 3, NEW / 3);
      batch(h, "INSERT INTO subject (id, app_id, created_at, updated_at) VALUES (?, ?, 0, 0)", "sub_", OLD, NEW);
      batch(h, "INSERT INTO message (id, app_id, event_type, payload, created_at) VALUES (?, ?, 'e', '{}', 0)",
          "msg_", OLD, NEW);
      // Each application's first endpoint receives all of its messages. A delivery's first attempt is numbered 2k,
      // and every third delivery was retried once: its second attempt, 2k + 1, is a row of the attempt table.
      for (int i = 0; i < OLD + NEW; i++) {
        String side = i < OLD ? "a" : "b";
        int k = i < OLD ? i : i - OLD;
        String msg = id("msg_", side, k);
        String ep = id("ep_", side, 0);
        String app = i < OLD ? "app_old" : "app_new";
        sent(h, id("atmpt_", side, 2 * k), msg, ep, app);
        if (k % 3 == 0) {
          retried(h, id("atmpt_", side, 2 * k + 1), msg, ep, app);
        }
      }
      for (int i = 1; i < 200; i++) {
        sent(h, id("atmpt_", "m", 2 * i), FANNED, id("ep_", "a", i), "app_old");
        if (i % 2 == 0) {
          retried(h, id("atmpt_", "m", 2 * i + 1), FANNED, id("ep_", "a", i), "app_old");
        }
      }
      // app_old's first half is one long subject (a job's progress events); the rest are subjects of six messages
      // each (order_0 to order_249).
      PreparedBatch subjects = h.prepareBatch("UPDATE message SET subject = ?, sequence = ? WHERE id = ?");
      for (int i = 0; i < OLD; i++) {
        int k = i - OLD / 2;
        subjects.add(k < 0 ? "job_long" : "order_" + k % 250, k < 0 ? i + 1 : k / 250 + 1, id("msg_", "a", i));
      }
      subjects.execute();
      h.execute("ANALYZE");
      return null;
    });
    db.reads().setSqlLogger(new SqlLogger() {
      @Override
      public void logBeforeExecution(StatementContext ctx) {
        statements.add(ctx.getRenderedSql());
      }
    });
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** A delivery of {@code msg} to {@code ep}, and its first attempt {@code attempt}, kept in its row. */
  static void sent(Handle h, String attempt, String msg, String ep, String app) {
    DeliveryRepository.insert(h, msg, ep, app, 0, null, null);
    h.execute("UPDATE delivery SET status = 0, attempts = 1, attempt_id = ?, attempt_url = 'http://127.0.0.1/', "
        + "attempt_status = 0, attempt_status_code = 200, attempt_response = '', attempt_duration_ms = 1, "
        + "attempt_trigger = 0, attempt_at = 0 WHERE msg_id = ? AND endpoint_id = ?", attempt, msg, ep);
  }

  /** A later attempt of the delivery of {@code msg} to {@code ep}: a row of the attempt table. */
  static void retried(Handle h, String attempt, String msg, String ep, String app) {
    h.execute("INSERT INTO attempt (id, msg_id, endpoint_id, app_id, url, status, response_status_code, response, "
        + "response_duration_ms, trigger_type, created_at) VALUES (?, ?, ?, ?, 'http://127.0.0.1/', 0, 200, '', 1, 0, 0)",
        attempt, msg, ep, app);
  }

  static String id(String prefix, String side, int i) {
    return prefix + side + String.format("%06d", i);
  }

  /** Rows "a" (app_old) and then rows "b" (app_new), so that every old id sorts before every new one. */
  static void batch(Handle h, String sql, String prefix, int old, int young) {
    PreparedBatch b = h.prepareBatch(sql);
    for (int i = 0; i < old; i++) {
      b.add(id(prefix, "a", i), "app_old");
    }
    for (int i = 0; i < young; i++) {
      b.add(id(prefix, "b", i), "app_new");
    }
    b.execute();
  }

  /** The first page and a middle page, each way. */
  static List<PageRequest> pages(String middle) {
    return List.of(new PageRequest(50, null, false, true), new PageRequest(50, middle, false, true),
        new PageRequest(50, middle, true, true), new PageRequest(50, null, false, false),
        new PageRequest(50, middle, false, false));
  }

  /** {@code count} ids from {@code from} on: {@code id(prefix, side, from)} and the ones after it. */
  static List<String> ids(String prefix, String side, int from, int count) {
    return IntStream.range(from, from + count).mapToObj(i -> id(prefix, side, i)).toList();
  }

  /**
   * Runs each page of {@link #pages} through {@code list}, which answers the ids of the rows in the statement's
   * order, and checks them against {@code scope}, the scope's ids; then checks the plan of the statement it ran.
   */
  void assertPages(String what, List<String> scope, String middle, boolean inOrder,
      Function<PageRequest, List<String>> list) {
    assertPages(what, scope, middle, list, plan -> assertReadsOneIndexRange(plan, inOrder));
  }

  void assertPages(String what, List<String> scope, String middle, Function<PageRequest, List<String>> list,
      Consumer<String> planCheck) {
    List<String> ascending = scope.stream().sorted().toList();
    for (PageRequest page : pages(middle)) {
      statements.clear();
      List<String> rows = list.apply(page);
      List<String> expected = (page.descendingSql() ? ascending.reversed() : ascending).stream()
          .filter(id -> page.after() == null
              || (page.descendingSql() ? id.compareTo(page.after()) < 0 : id.compareTo(page.after()) > 0))
          .limit(page.limit() + 1).toList();
      assertThat(expected).as("the test's own scope for " + what).isNotEmpty();
      assertThat(rows).as(what + " " + page).isEqualTo(expected);
      String sql = statements.get(statements.size() - 1);
      Map<String, Object> values = new HashMap<>();
      values.put("app", "app_old");
      values.put("ep", id("ep_", "a", 0));
      values.put("msg", FANNED);
      values.put("after", page.after());
      values.put("limit", page.limit() + 1);
      values.put("subject", subject);
      String plan = db.reads().withHandle(h -> String.join("\n", plan(h, sql, values)));
      planCheck.accept(what + " " + page + ":\n" + plan);
    }
  }

  @Test
  void an_applications_messages() {
    var messages = new MessageRepository(db);
    assertPages("messages", ids("msg_", "a", 0, OLD), id("msg_", "a", 1_500), true, page -> messages.list("app_old",
        page, new MessageRepository.Filter(null, null, null, null, null)).stream().map(Message::id).toList());
  }

  /**
   * A subject's messages are read in order from message_subject, the subject being the scope, however many there are:
   * a long job's progress events as much as an order's few. (With the subject's sequence in that index instead of
   * the id, PostgreSQL read a long subject's page by walking the application's newer messages.)
   */
  @Test
  void a_subjects_messages() {
    var messages = new MessageRepository(db);
    List<String> order7 = IntStream.range(0, 6).mapToObj(k -> id("msg_", "a", OLD / 2 + 7 + 250 * k)).toList();
    assertPages("a short subject's messages", order7, order7.get(2), page -> messages.list("app_old", page,
            new MessageRepository.Filter(null, null, null, null, subject)).stream().map(Message::id).toList(),
        plan -> assertUsesIndex(plan, "message_subject"));
    subject = "job_long";
    assertPages("a long subject's messages", ids("msg_", "a", 0, OLD / 2), id("msg_", "a", OLD / 4), true,
        page -> messages.list("app_old", page, new MessageRepository.Filter(null, null, null, null, subject))
            .stream().map(Message::id).toList());
  }

  /** An application's endpoints are few enough that sorting them is a plan the engine may choose. */
  @Test
  void an_applications_endpoints_and_subjects() {
    var endpoints = new EndpointRepository(db);
    var subjects = new SubjectRepository(db);
    assertPages("endpoints", ids("ep_", "a", 0, OLD / 3), id("ep_", "a", 500), false,
        page -> endpoints.list("app_old", page).stream().map(Endpoint::id).toList());
    assertPages("subjects", ids("sub_", "a", 0, OLD), id("sub_", "a", 1_500), true,
        page -> subjects.list("app_old", page, null).stream().map(Subject::id).toList());
  }

  @Test
  void an_endpoints_attempts_and_messages() {
    var attempts = new AttemptRepository(db);
    String ep = id("ep_", "a", 0);
    List<String> all = IntStream.range(0, 2 * OLD).filter(n -> n % 2 == 0 || (n / 2) % 3 == 0)
        .mapToObj(n -> id("atmpt_", "a", n)).toList();
    assertPages("attempts", all, id("atmpt_", "a", 1_500), page -> attempts.list("app_old", page,
            new AttemptRepository.Filter(null, ep, null, null, null, null, null)).stream().map(AttemptOut::id).toList(),
        plan -> assertReadsEachPart(plan, true, "attempt_endpoint", "delivery_attempt_endpoint"));
    assertPages("attempted messages", ids("msg_", "a", 0, OLD), id("msg_", "a", 1_500), true,
        page -> attempts.statesOfEndpoint(ep, page, null).stream().map(AttemptRepository.DeliveryState::msgId).toList());
  }

  /**
   * A guard rather than a regression test for the plans: the old statements passed it too, since one message's rows
   * are too few for a planner to prefer another index. The first attempts are read through the delivery's key, one
   * row per endpoint the message went to, and sorted.
   */
  @Test
  void a_messages_attempts_and_destinations() {
    var attempts = new AttemptRepository(db);
    List<String> fannedAttempts = new ArrayList<>(IntStream.range(2, 400).filter(n -> n % 2 == 0 || (n / 2) % 2 == 0)
        .mapToObj(n -> id("atmpt_", "m", n)).toList());
    fannedAttempts.add(id("atmpt_", "a", 3_000)); // to ep_a000000, retried: 1,500 is a multiple of three
    fannedAttempts.add(id("atmpt_", "a", 3_001));
    assertPages("a message's attempts", fannedAttempts, id("atmpt_", "m", 200), page -> attempts.list("app_old", page,
            new AttemptRepository.Filter(FANNED, null, null, null, null, null, null)).stream().map(AttemptOut::id)
            .toList(),
        plan -> assertReadsEachPart(plan, false, "attempt_msg", deliveryKey()));
    assertPages("attempted destinations", ids("ep_", "a", 0, 200), id("ep_", "a", 100), true,
        page -> attempts.statesOfMessage(FANNED, page).stream().map(AttemptRepository.DeliveryState::endpointId).toList());
  }
}
