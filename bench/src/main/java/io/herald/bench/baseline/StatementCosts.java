package io.herald.bench.baseline;

import io.herald.bench.proc.OnHeraldJar;
import io.herald.bench.proc.Proc;
import io.herald.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * What each of the writer's statements costs a delivery on the embedded store: the store floor ({@link StoreFloor})
 * taken apart. Herald's migrations and connection settings, one thread, its CPU from /proc; one variant per run, so
 * alternate them and compare runs, not single numbers.
 *
 * <ul>
 *   <li>{@code drain <variant>}: 200,000 due, unclaimed deliveries to one endpoint, drained as the writer drains S4's
 *       backlog: a refill of 64 (the refill's select, then the claim's batched update) whenever fewer than 64 are
 *       queued, and outcomes (the attempt insert, the fenced delivery update) in commits of {@code --batch} (20).
 *       S4's drained deliveries are on their second attempt, so the attempt is a row of its own there too.
 *       Variants: {@code herald}; {@code no-claim} (the claim's update left out, rows held in memory and skipped);
 *       {@code no-claim-no-attempt}; {@code attempt-no-indexes} (the attempt table's two secondary indexes dropped);
 *       {@code attempt-without-rowid}; {@code no-claim-index} (the {@code delivery_claim} index dropped).</li>
 *   <li>{@code s1 <variant>}: S1's shape, as the store floor: commits of 10 new messages with their claimed
 *       deliveries and the previous commit's 10 outcomes, for 8 s after a 4 s warm-up. Variants: {@code herald}
 *       (the first attempt kept in the delivery's row); {@code attempt-table} (as before the twenty-fourth session:
 *       the first attempt a row of the attempt table); {@code no-attempt}.</li>
 * </ul>
 *
 * <p>Not part of {@code bench/run}: a tool for deciding which statement to take on next (docs/performance.md,
 * twenty-third session). The SQL is Herald's, copied, and run through plain JDBC rather than through
 * {@code DeliveryRepository} and {@code MessageRepository} as {@link StoreFloor} runs it: a cost is read as the
 * difference between two variants, so they must differ only by the statement one of them leaves out, which Herald's
 * own methods cannot leave out. A change to Herald's statements must therefore be made here too.
 */
public final class StatementCosts {
  private static final int BACKLOG = 200_000;
  private static final int REFILL = 64;
  private static final byte[] PAYLOAD = new byte[256];

  private StatementCosts() {}

  /** {@code StatementCosts <empty data dir> drain|s1 <variant> [--batch N]}; prints one line. */
  public static void main(String[] args) throws SQLException {
    if (args.length < 3) {
      throw new IllegalArgumentException("usage: StatementCosts <empty data dir> drain|s1 <variant> [--batch N]");
    }
    String variant = args[2];
    int batch = args.length > 4 && args[3].equals("--batch") ? Integer.parseInt(args[4]) : 20;
    try (Database db = OnHeraldJar.open(args[0])) {
      try (Handle h = Jdbi.create(db.dataSource()).open()) {
        OnHeraldJar.endpoint(h, "app_f", "ep_f");
      }
      try (Connection c = db.dataSource().getConnection()) {
        c.setAutoCommit(false);
        String line = switch (args[1]) {
          case "drain" -> drain(c, variant, batch);
          case "s1" -> s1(c, variant);
          default -> throw new IllegalArgumentException("drain or s1, not " + args[1]);
        };
        System.out.println(line);
      }
    }
  }

  private static final Set<String> DRAIN_VARIANTS = Set.of("herald", "no-claim", "no-claim-no-attempt",
      "attempt-no-indexes", "attempt-without-rowid", "no-claim-index");

  private static String drain(Connection c, String variant, int batch) throws SQLException {
    if (!DRAIN_VARIANTS.contains(variant)) {
      throw new IllegalArgumentException("no drain variant " + variant + "; one of " + DRAIN_VARIANTS);
    }
    boolean claims = !variant.equals("no-claim") && !variant.equals("no-claim-no-attempt");
    boolean attempts = !variant.equals("no-claim-no-attempt");
    seed(c);
    try (Statement st = c.createStatement()) {
      switch (variant) {
        case "herald", "no-claim", "no-claim-no-attempt" -> { }
        case "no-claim-index" -> st.execute("DROP INDEX delivery_claim");
        case "attempt-no-indexes" -> {
          st.execute("DROP INDEX attempt_msg");
          st.execute("DROP INDEX attempt_endpoint");
        }
        case "attempt-without-rowid" -> {
          st.execute("DROP TABLE attempt");
          st.execute("CREATE TABLE attempt (id TEXT PRIMARY KEY, msg_id TEXT NOT NULL, endpoint_id TEXT NOT NULL,"
              + " app_id TEXT NOT NULL, url TEXT NOT NULL, status INTEGER NOT NULL,"
              + " response_status_code INTEGER NOT NULL, response TEXT NOT NULL,"
              + " response_duration_ms INTEGER NOT NULL, trigger_type INTEGER NOT NULL, created_at INTEGER NOT NULL)"
              + " WITHOUT ROWID");
          st.execute("CREATE INDEX attempt_msg ON attempt (msg_id, id)");
          st.execute("CREATE INDEX attempt_endpoint ON attempt (endpoint_id, id)");
        }
        default -> throw new IllegalStateException(variant);
      }
    }
    c.commit();
    PreparedStatement select = c.prepareStatement("""
        SELECT d.id, d.msg_id, d.endpoint_id, d.app_id, d.attempts, d.manual, m.id, m.event_type, m.payload,
               m.subject, m.sequence
        FROM delivery d LEFT JOIN message m ON m.id = d.msg_id
        WHERE d.endpoint_id = ? AND d.status = 1 AND d.next_attempt_at <= ?
          AND (d.lease_until IS NULL OR d.lease_until < ?)
        ORDER BY d.next_attempt_at LIMIT ?""");
    PreparedStatement claim = c.prepareStatement("UPDATE delivery SET lease_until = ?, claim_token = ? WHERE id = ?");
    PreparedStatement attempt = c.prepareStatement(INSERT_ATTEMPT);
    PreparedStatement finish = c.prepareStatement(claims ? FINISH
        : "UPDATE delivery SET status = ?, attempts = attempts + 1, next_attempt_at = ?, manual = 0, updated_at = ?"
            + " WHERE id = ? AND ? IS NOT NULL");
    ArrayDeque<Object[]> queue = new ArrayDeque<>();
    long[] cpu0 = Proc.currentThreadCpuMicros();
    long started = System.nanoTime();
    int done = 0;
    long attemptSeq = 0;
    while (done < BACKLOG - 2 * REFILL) {
      long now = System.currentTimeMillis();
      if (queue.size() < REFILL) {
        // Without claims the rows still queued are due and unleased in the table: read past them, as a claim kept
        // in memory would have to.
        Set<Long> queued = new HashSet<>();
        queue.forEach(q -> queued.add((Long) q[0]));
        select.setString(1, "ep_f");
        select.setLong(2, now);
        select.setLong(3, now);
        select.setInt(4, claims ? REFILL : REFILL + queue.size());
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            long id = rs.getLong(1);
            if (queued.contains(id)) {
              continue;
            }
            rs.getBytes(9);
            queue.add(new Object[] {id, rs.getString(2)});
            if (claims) {
              claim.setLong(1, now + 30_000);
              claim.setString(2, "node_f");
              claim.setLong(3, id);
              claim.addBatch();
            }
          }
        }
        if (claims) {
          claim.executeBatch();
        }
        c.commit();
      }
      for (int i = 0; i < batch && !queue.isEmpty(); i++, done++) {
        Object[] q = queue.poll();
        if (attempts) {
          bindAttempt(attempt, attemptSeq++, (String) q[1], now);
        }
        bindFinish(finish, (Long) q[0], now);
      }
      if (attempts) {
        attempt.executeBatch();
      }
      for (int n : finish.executeBatch()) {
        if (n != 1) {
          throw new IllegalStateException("an outcome's update changed " + n + " rows");
        }
      }
      c.commit();
    }
    return result("drain " + variant + ", outcomes in commits of " + batch, cpu0, started, done);
  }

  private static String s1(Connection c, String variant) throws SQLException {
    if (!List.of("herald", "attempt-table", "no-attempt").contains(variant)) {
      throw new IllegalArgumentException("no s1 variant " + variant + "; one of herald, attempt-table, no-attempt");
    }
    boolean inRow = variant.equals("herald");
    boolean attempts = variant.equals("attempt-table");
    int batch = 10;
    PreparedStatement message = c.prepareStatement(INSERT_MESSAGE);
    PreparedStatement delivery = c.prepareStatement("""
        INSERT INTO delivery (msg_id, endpoint_id, app_id, status, attempts, manual, next_attempt_at, lease_until,
                              claim_token, created_at, updated_at)
        VALUES (?, 'ep_f', 'app_f', 1, 0, 0, ?, ?, 'node_f', ?, ?) RETURNING id""");
    PreparedStatement attempt = c.prepareStatement(INSERT_ATTEMPT);
    PreparedStatement finish = c.prepareStatement(inRow ? FINISH_FIRST : FINISH);
    List<Object[]> previous = new ArrayList<>();
    long warmEnd = System.nanoTime() + 4_000_000_000L;
    long end = warmEnd + 8_000_000_000L;
    long[] cpu0 = null;
    long started = 0;
    int done = 0;
    long seq = 0;
    long attemptSeq = 0;
    while (true) {
      long nanos = System.nanoTime();
      if (cpu0 == null && nanos >= warmEnd) {
        cpu0 = Proc.currentThreadCpuMicros();
        started = nanos;
        done = 0;
      } else if (nanos >= end) {
        break;
      }
      long now = System.currentTimeMillis();
      List<Object[]> fresh = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        String id = String.format(Locale.ROOT, "msg_%015d", seq + i);
        message.setString(1, id);
        message.setBytes(2, PAYLOAD);
        message.setLong(3, now);
        message.addBatch();
      }
      message.executeBatch();
      for (int i = 0; i < batch; i++) {
        String id = String.format(Locale.ROOT, "msg_%015d", seq++);
        delivery.setString(1, id);
        delivery.setLong(2, now);
        delivery.setLong(3, now + 30_000);
        delivery.setLong(4, now);
        delivery.setLong(5, now);
        try (ResultSet rs = delivery.executeQuery()) {
          rs.next();
          fresh.add(new Object[] {rs.getLong(1), id});
        }
      }
      for (Object[] q : previous) {
        if (attempts) {
          bindAttempt(attempt, attemptSeq++, (String) q[1], now);
        }
        if (inRow) {
          bindFinishFirst(finish, (Long) q[0], attemptSeq++, now);
        } else {
          bindFinish(finish, (Long) q[0], now);
        }
      }
      if (attempts) {
        attempt.executeBatch();
      }
      finish.executeBatch();
      c.commit();
      previous = fresh;
      done += batch;
    }
    return result("s1 " + variant + ", " + batch + " new deliveries and " + batch + " outcomes per commit", cpu0,
        started, done);
  }

  /** {@link #BACKLOG} messages, each with an unclaimed delivery due now, a thousand per commit. */
  private static void seed(Connection c) throws SQLException {
    long now = System.currentTimeMillis();
    try (PreparedStatement m = c.prepareStatement(INSERT_MESSAGE);
        PreparedStatement d = c.prepareStatement("""
            INSERT INTO delivery (msg_id, endpoint_id, app_id, status, attempts, manual, next_attempt_at,
                                  created_at, updated_at)
            VALUES (?, 'ep_f', 'app_f', 1, 0, 0, ?, ?, ?)""")) {
      for (int i = 0; i < BACKLOG; i++) {
        String id = String.format(Locale.ROOT, "msg_%012d", i);
        m.setString(1, id);
        m.setBytes(2, PAYLOAD);
        m.setLong(3, now);
        m.addBatch();
        d.setString(1, id);
        d.setLong(2, now - 1000);
        d.setLong(3, now);
        d.setLong(4, now);
        d.addBatch();
        if (i % 1000 == 999) {
          m.executeBatch();
          d.executeBatch();
          c.commit();
        }
      }
      m.executeBatch();
      d.executeBatch();
      c.commit();
    }
  }

  private static void bindAttempt(PreparedStatement attempt, long seq, String msgId, long now) throws SQLException {
    attempt.setString(1, String.format(Locale.ROOT, "atmpt_%020d", seq));
    attempt.setString(2, msgId);
    attempt.setString(3, "ep_f");
    attempt.setString(4, "app_f");
    bindAttemptFacts(attempt, now);
    attempt.addBatch();
  }

  private static void bindFinish(PreparedStatement finish, long deliveryId, long now) throws SQLException {
    finish.setInt(1, 0);
    finish.setNull(2, Types.BIGINT);
    finish.setLong(3, now);
    finish.setLong(4, deliveryId);
    finish.setString(5, "node_f");
    finish.addBatch();
  }

  private static void bindFinishFirst(PreparedStatement finish, long deliveryId, long seq, long now)
      throws SQLException {
    finish.setInt(1, 0);
    finish.setNull(2, Types.BIGINT);
    finish.setLong(3, now);
    finish.setString(4, String.format(Locale.ROOT, "atmpt_%020d", seq));
    bindAttemptFacts(finish, now);
    finish.setLong(12, deliveryId);
    finish.setString(13, "node_f");
    finish.addBatch();
  }

  /** A 200 answered in 1 ms: parameters 5 to 11 of both {@link #INSERT_ATTEMPT} and {@link #FINISH_FIRST}. */
  private static void bindAttemptFacts(PreparedStatement ps, long now) throws SQLException {
    ps.setString(5, "http://127.0.0.1:9/hook");
    ps.setInt(6, 0);
    ps.setInt(7, 200);
    ps.setString(8, "");
    ps.setLong(9, 1);
    ps.setInt(10, 0);
    ps.setLong(11, now);
  }

  private static String result(String what, long[] cpu0, long started, int deliveries) {
    long[] cpu = Proc.currentThreadCpuMicros();
    double seconds = (System.nanoTime() - started) / 1e9;
    return String.format(Locale.ROOT, "%s: %.2f µs of CPU per delivery (user %.2f, system %.2f), %.0f deliveries/s",
        what, (double) (cpu[0] - cpu0[0] + cpu[1] - cpu0[1]) / deliveries, (double) (cpu[0] - cpu0[0]) / deliveries,
        (double) (cpu[1] - cpu0[1]) / deliveries, deliveries / seconds);
  }

  private static final String INSERT_MESSAGE =
      "INSERT INTO message (id, app_id, event_type, payload, created_at) VALUES (?, 'app_f', 'x', ?, ?)";

  /** As {@code DeliveryRepository.INSERT_ATTEMPT}. */
  private static final String INSERT_ATTEMPT = """
      INSERT INTO attempt (id, msg_id, endpoint_id, app_id, url, status, response_status_code, response,
                           response_duration_ms, trigger_type, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

  /** As {@code DeliveryRepository.FINISH_FIRST_ATTEMPT}: a delivery's first attempt, kept in its row. */
  private static final String FINISH_FIRST = """
      UPDATE delivery SET status = ?, attempts = attempts + 1, next_attempt_at = ?,
                          lease_until = NULL, claim_token = NULL, manual = 0, updated_at = ?,
                          attempt_id = ?, attempt_url = ?, attempt_status = ?, attempt_status_code = ?,
                          attempt_response = ?, attempt_duration_ms = ?, attempt_trigger = ?, attempt_at = ?
      WHERE id = ? AND claim_token = ? AND attempt_id IS NULL""";

  /** As {@code DeliveryRepository.FINISH_ATTEMPT}: fenced on the claim token. */
  private static final String FINISH = """
      UPDATE delivery SET status = ?, attempts = attempts + 1, next_attempt_at = ?,
                          lease_until = NULL, claim_token = NULL, manual = 0, updated_at = ?
      WHERE id = ? AND claim_token = ?""";
}
