package io.herald.server.delivery;

import io.herald.server.store.Database;
import io.herald.server.store.Dialect;
import io.herald.server.store.HotStatements;
import io.herald.server.store.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The delivery queue. A pending row is due at {@code next_attempt_at}; a process claims it by setting
 * {@code lease_until} and its own {@code claim_token}, and every completion write is fenced on that token, so a
 * process whose lease expired (paused, partitioned) cannot overwrite the outcome recorded by the one that took over.
 */
public final class DeliveryRepository {
  static final int SUCCESS = 0;
  static final int PENDING = 1;
  static final int FAIL = 2;

  private final Database db;

  public DeliveryRepository(Database db) {
    this.db = db;
  }

  /** Inserts one pending delivery, already claimed by {@code claimToken} when {@code leaseUntil} is set. */
  public static long insert(Handle h, String msgId, String endpointId, String appId, long now, Long leaseUntil,
      String claimToken) {
    return insert(h, INSERT, msgId, endpointId, appId, now, leaseUntil, claimToken);
  }

  /** SQLite: each row alone, in this process (there is no round trip to save); {@code sql}'s id for each, or -1. */
  private static long[] oneByOne(Handle h, String sql, List<NewDelivery> rows) {
    long[] ids = new long[rows.size()];
    for (int i = 0; i < ids.length; i++) {
      NewDelivery r = rows.get(i);
      ids[i] = insert(h, sql, r.msgId(), r.endpointId(), r.appId(), r.now(), r.leaseUntil(), r.claimToken());
    }
    return ids;
  }

  private static long insert(Handle h, String sql, String msgId, String endpointId, String appId, long now,
      Long leaseUntil, String claimToken) {
    try {
      PreparedStatement ps = HotStatements.prepare(h, sql);
      bindNew(ps, 0, msgId, endpointId, appId, now, leaseUntil, claimToken);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(e, null);
    }
  }

  /** A delivery for {@link #insertAll}, already claimed by {@code claimToken} when {@code leaseUntil} is set. */
  public record NewDelivery(String msgId, String endpointId, String appId, long now, Long leaseUntil,
      String claimToken) {}

  /**
   * Inserts {@code rows} and returns their ids, in order. On PostgreSQL the ids are drawn from the table's sequence
   * first (one query), so that the rows go as one batch instead of a round trip each; SQLite runs in this process, so
   * there each row is inserted alone and reports its id.
   */
  public static long[] insertAll(Handle h, Dialect dialect, List<NewDelivery> rows) {
    long[] ids = new long[rows.size()];
    if (rows.isEmpty()) {
      return ids;
    }
    if (dialect == Dialect.SQLITE) {
      return oneByOne(h, INSERT, rows);
    }
    try {
      PreparedStatement next = HotStatements.prepare(h, NEXT_IDS);
      next.setInt(1, ids.length);
      try (ResultSet rs = next.executeQuery()) {
        for (int i = 0; i < ids.length; i++) {
          if (!rs.next()) {
            throw new IllegalStateException("the delivery sequence returned fewer ids than asked for");
          }
          ids[i] = rs.getLong(1);
        }
      }
      PreparedStatement insert = HotStatements.prepare(h, INSERT_WITH_ID);
      for (int i = 0; i < ids.length; i++) {
        NewDelivery r = rows.get(i);
        insert.setLong(1, ids[i]);
        bindNew(insert, 1, r.msgId(), r.endpointId(), r.appId(), r.now(), r.leaseUntil(), r.claimToken());
        insert.addBatch();
      }
      insert.executeBatch();
      return ids;
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(e, null);
    }
  }

  /**
   * Inserts those of {@code rows} that do not exist yet (a resend may have created one first) and returns their ids
   * in order, -1 for a row that was there. On PostgreSQL one statement inserts them all (a fan-out chunk: 64 round
   * trips before, each holding the shared writer); SQLite runs them one by one, in this process.
   */
  public static long[] insertAllIfAbsent(Handle h, Dialect dialect, List<NewDelivery> rows) {
    long[] ids = new long[rows.size()];
    if (rows.isEmpty()) {
      return ids;
    }
    if (dialect == Dialect.SQLITE) {
      return oneByOne(h, INSERT_IF_ABSENT, rows);
    }
    try {
      Connection c = h.getConnection();
      PreparedStatement insert = HotStatements.prepare(h, INSERT_ALL_IF_ABSENT);
      insert.setArray(1, c.createArrayOf("text", rows.stream().map(NewDelivery::msgId).toArray()));
      insert.setArray(2, c.createArrayOf("text", rows.stream().map(NewDelivery::endpointId).toArray()));
      insert.setArray(3, c.createArrayOf("text", rows.stream().map(NewDelivery::appId).toArray()));
      insert.setArray(4, c.createArrayOf("bigint", rows.stream().map(NewDelivery::now).toArray()));
      insert.setArray(5, c.createArrayOf("bigint", rows.stream().map(NewDelivery::leaseUntil).toArray()));
      insert.setArray(6, c.createArrayOf("text", rows.stream()
          .map(r -> r.leaseUntil() == null ? null : r.claimToken()).toArray()));
      Map<String, Long> inserted = new HashMap<>();
      try (ResultSet rs = insert.executeQuery()) {
        while (rs.next()) {
          inserted.put(rs.getString(2) + '\n' + rs.getString(3), rs.getLong(1));
        }
      }
      for (int i = 0; i < ids.length; i++) {
        ids[i] = inserted.getOrDefault(rows.get(i).msgId() + '\n' + rows.get(i).endpointId(), -1L);
      }
      return ids;
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(e, null);
    }
  }

  /** PostgreSQL only: {@link #INSERT_IF_ABSENT} for many rows, one array per column. */
  private static final String INSERT_ALL_IF_ABSENT = """
      INSERT INTO delivery (msg_id, endpoint_id, app_id, status, attempts, manual, next_attempt_at,
                            lease_until, claim_token, created_at, updated_at)
      SELECT r.msg_id, r.endpoint_id, r.app_id, 1, 0, 0, r.now, r.lease_until, r.claim_token, r.now, r.now
      FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[])
             AS r (msg_id, endpoint_id, app_id, now, lease_until, claim_token)
      ON CONFLICT (msg_id, endpoint_id) DO NOTHING
      RETURNING id, msg_id, endpoint_id""";

  /** Binds a new delivery's values to {@link #INSERT}'s parameters, which follow the first {@code offset} ones. */
  private static void bindNew(PreparedStatement ps, int offset, String msgId, String endpointId, String appId,
      long now, Long leaseUntil, String claimToken) throws SQLException {
    ps.setString(offset + 1, msgId);
    ps.setString(offset + 2, endpointId);
    ps.setString(offset + 3, appId);
    ps.setLong(offset + 4, now);
    if (leaseUntil == null) {
      ps.setNull(offset + 5, Types.BIGINT);
      ps.setNull(offset + 6, Types.VARCHAR);
    } else {
      ps.setLong(offset + 5, leaseUntil);
      ps.setString(offset + 6, claimToken);
    }
    ps.setLong(offset + 7, now);
    ps.setLong(offset + 8, now);
  }

  /** PostgreSQL only: ids for a batch of new deliveries. */
  private static final String NEXT_IDS =
      "SELECT nextval(pg_get_serial_sequence('delivery', 'id')) FROM generate_series(1, ?)";

  /** Plain JDBC, as every delivery of every message runs it ({@link HotStatements}). */
  private static final String INSERT = """
      INSERT INTO delivery (msg_id, endpoint_id, app_id, status, attempts, manual, next_attempt_at,
                            lease_until, claim_token, created_at, updated_at)
      VALUES (?, ?, ?, 1, 0, 0, ?, ?, ?, ?, ?)
      RETURNING id""";

  private static final String INSERT_WITH_ID = """
      INSERT INTO delivery (id, msg_id, endpoint_id, app_id, status, attempts, manual, next_attempt_at,
                            lease_until, claim_token, created_at, updated_at)
      VALUES (?, ?, ?, ?, 1, 0, 0, ?, ?, ?, ?, ?)""";

  private static final String INSERT_IF_ABSENT = INSERT.replace("RETURNING id",
      "ON CONFLICT (msg_id, endpoint_id) DO NOTHING RETURNING id");

  /** What one claim found: the deliveries now held, and how many due rows it looked at. */
  public record Claimed(List<DeliveryTask> tasks, int scanned) {}

  private record DueRow(long id, String msgId, String endpointId, String appId, int attempts, boolean manual,
      String eventType, byte[] payload, String subject, Long sequence, boolean messageExists) {}

  /**
   * Claims due deliveries whose lease is absent or expired, oldest first, with their messages. It looks at up to
   * {@code limit} rows, skipping the endpoints in {@code skipEndpoints} (their lanes are full), and takes those that
   * {@code admit} accepts: a lane that fills up during the claim leaves the rest of its rows in the table for
   * later, so no endpoint's backlog can take the memory every other endpoint needs.
   *
   * <p>Runs in the write transaction. On PostgreSQL the select locks the rows it returns with SKIP LOCKED, so
   * concurrent claimers never wait on each other or take the same row; SQLite has a single writer.
   */
  public Claimed claimDue(Handle h, long now, long leaseUntil, String claimToken, int limit,
      Collection<String> skipEndpoints, Predicate<String> admit) {
    var query = h.createQuery("""
            SELECT""" + DUE_ROWS + """
            WHERE d.status = 1 AND d.next_attempt_at <= :now AND (d.lease_until IS NULL OR d.lease_until < :now)"""
            + (skipEndpoints.isEmpty() ? "" : " AND d.endpoint_id NOT IN (<skip>)") + """

            ORDER BY d.next_attempt_at LIMIT :limit""" + db.dialect().claimLock)
        .bind("now", now).bind("limit", limit);
    if (!skipEndpoints.isEmpty()) {
      query.bindList("skip", List.copyOf(skipEndpoints));
    }
    List<DueRow> rows = query.map((rs, ctx) -> dueRow(rs)).list();
    return claim(h, rows, now, leaseUntil, claimToken, admit);
  }

  /**
   * Claims up to {@code limit} of one endpoint's due deliveries, oldest first: a lane refill. It walks that
   * endpoint's part of {@code delivery_endpoint_due} only, so its cost does not grow with the rest of the queue or
   * with the size of the endpoint's own backlog.
   */
  public Claimed claimDueFor(Handle h, String endpointId, long now, long leaseUntil, String claimToken, int limit) {
    List<DueRow> rows = new ArrayList<>(limit);
    try {
      PreparedStatement select = HotStatements.prepare(h, CLAIM_ENDPOINT + db.dialect().claimLock);
      select.setString(1, endpointId);
      select.setLong(2, now);
      select.setLong(3, now);
      select.setInt(4, limit);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          rows.add(dueRow(rs));
        }
      }
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(e, null);
    }
    return claim(h, rows, now, leaseUntil, claimToken, endpoint -> true);
  }

  /** What both claim queries read (in the order {@link #dueRow} reads it) and from where. */
  private static final String DUE_ROWS = """
       d.id, d.msg_id, d.endpoint_id, d.app_id, d.attempts, d.manual, m.id AS m_id,
             m.event_type, m.payload, m.subject, m.sequence
      FROM delivery d LEFT JOIN message m ON m.id = d.msg_id
      """;

  private static final String CLAIM_ENDPOINT = "SELECT" + DUE_ROWS + """
      WHERE d.endpoint_id = ? AND d.status = 1 AND d.next_attempt_at <= ?
        AND (d.lease_until IS NULL OR d.lease_until < ?)
      ORDER BY d.next_attempt_at LIMIT ?""";

  /** By position ({@link #DUE_ROWS}): a lookup by name cost more than reading the value. */
  private static DueRow dueRow(ResultSet rs) throws SQLException {
    long sequence = rs.getLong(11);
    Long sequenceOrNull = rs.wasNull() ? null : sequence;
    return new DueRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
        rs.getInt(6) != 0, rs.getString(8), rs.getBytes(9), rs.getString(10), sequenceOrNull,
        rs.getString(7) != null);
  }

  /** Takes the rows {@code admit} accepts (one batched update) and ends those whose content is gone. */
  private static Claimed claim(Handle h, List<DueRow> rows, long now, long leaseUntil, String claimToken,
      Predicate<String> admit) {
    List<DeliveryTask> tasks = new ArrayList<>(rows.size());
    try {
      PreparedStatement claim = null;
      for (DueRow r : rows) {
        if (r.payload() == null) {
          // The message's content was deleted: there is nothing to send, so the delivery ends as failed here, and
          // on an ordered endpoint the subject's next message may go.
          h.createUpdate("""
                  UPDATE delivery SET status = 2, next_attempt_at = NULL, lease_until = NULL, claim_token = NULL,
                                      manual = 0, updated_at = :now
                  WHERE id = :id""")
              .bind("id", r.id()).bind("now", now).execute();
          if (r.messageExists() && r.subject() != null) {
            Sequencing.releaseNext(h, r.appId(), r.endpointId(), r.subject(), now);
          }
          continue;
        }
        if (!admit.test(r.endpointId())) {
          continue;
        }
        if (claim == null) {
          claim = HotStatements.prepare(h, CLAIM);
        }
        claim.setLong(1, leaseUntil);
        claim.setString(2, claimToken);
        claim.setLong(3, r.id());
        claim.addBatch();
        tasks.add(new DeliveryTask(r.id(), r.msgId(), r.endpointId(), r.appId(), r.eventType(), r.payload(),
            r.attempts(), r.manual(), leaseUntil, r.subject(), r.sequence()));
      }
      if (claim != null) {
        claim.executeBatch();
      }
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(e, null);
    }
    return new Claimed(tasks, rows.size());
  }

  private static final String CLAIM = "UPDATE delivery SET lease_until = ?, claim_token = ? WHERE id = ?";

  /**
   * One attempt's outcome to record: {@code status} is the delivery's new status, {@code nextAttemptAt} null when
   * the delivery reached a final state.
   */
  public record Completion(DeliveryTask task, AttemptRecord attempt, int status, Long nextAttemptAt, long now) {}

  /**
   * Records one attempt and moves the delivery on, fenced on the claim token. Returns false when another process
   * had taken the delivery over; the attempt is kept either way, since the request did happen.
   *
   * @param nextAttemptAt null when the delivery reached a final state
   */
  public static boolean complete(Handle h, DeliveryTask task, String claimToken, AttemptRecord attempt, int status,
      Long nextAttemptAt, long now) {
    return completeAll(h, claimToken, List.of(new Completion(task, attempt, status, nextAttemptAt, now)))[0];
  }

  /**
   * {@link #complete} for several deliveries at once. A delivery's first attempt is written into its own row by the
   * update that moves it on ({@link #FINISH_FIRST_ATTEMPT}); a later one is a row of the attempt table, inserted
   * before the update. Each kind goes as one batch, so on PostgreSQL the round trips do not grow with the number of
   * outcomes. Element i says whether {@code outcomes[i]}'s delivery was still this process's.
   */
  public static boolean[] completeAll(Handle h, String claimToken, List<Completion> outcomes) {
    boolean[] ours = new boolean[outcomes.size()];
    List<Integer> first = new ArrayList<>(outcomes.size());
    List<Integer> later = new ArrayList<>();
    for (int i = 0; i < ours.length; i++) {
      (outcomes.get(i).task().attempts() == 0 ? first : later).add(i);
    }
    try {
      if (!first.isEmpty()) {
        PreparedStatement update = HotStatements.prepare(h, FINISH_FIRST_ATTEMPT);
        for (int i : first) {
          Completion c = outcomes.get(i);
          bindFinish(update, c);
          update.setString(4, Ids.next("atmpt", c.now()));
          bindAttemptFacts(update, c);
          update.setLong(12, c.task().id());
          update.setString(13, claimToken);
          update.addBatch();
        }
        int[] counts = update.executeBatch();
        for (int k = 0; k < counts.length; k++) {
          if (counts[k] == 1) {
            ours[first.get(k)] = true;
          } else {
            // Not this process's claim any more (another took the delivery over), or the row already holds a first
            // attempt, which the claim's count of attempts did not show (taken over from a process that recorded
            // one meanwhile). Either way the attempt is kept as a row, and the fenced update says whose it was.
            later.add(first.get(k));
          }
        }
      }
      if (!later.isEmpty()) {
        PreparedStatement insert = HotStatements.prepare(h, INSERT_ATTEMPT);
        for (int i : later) {
          Completion c = outcomes.get(i);
          DeliveryTask task = c.task();
          insert.setString(1, Ids.next("atmpt", c.now()));
          insert.setString(2, task.msgId());
          insert.setString(3, task.endpointId());
          insert.setString(4, task.appId());
          bindAttemptFacts(insert, c);
          insert.addBatch();
        }
        insert.executeBatch();
        PreparedStatement update = HotStatements.prepare(h, FINISH_ATTEMPT);
        for (int i : later) {
          Completion c = outcomes.get(i);
          bindFinish(update, c);
          update.setLong(4, c.task().id());
          update.setString(5, claimToken);
          update.addBatch();
        }
        int[] counts = update.executeBatch();
        for (int k = 0; k < counts.length; k++) {
          ours[later.get(k)] = counts[k] == 1;
        }
      }
      return ours;
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(e, null);
    }
  }

  /** The delivery's new status, next attempt and update time: both updates' first three parameters. */
  private static void bindFinish(PreparedStatement ps, Completion c) throws SQLException {
    ps.setInt(1, c.status());
    if (c.nextAttemptAt() == null) {
      ps.setNull(2, Types.BIGINT);
    } else {
      ps.setLong(2, c.nextAttemptAt());
    }
    ps.setLong(3, c.now());
  }

  /**
   * The attempt's url, status, status code, response, duration, trigger and time: parameters 5 to 11 of both
   * {@link #INSERT_ATTEMPT} and {@link #FINISH_FIRST_ATTEMPT}, which list them in the same order.
   */
  private static void bindAttemptFacts(PreparedStatement ps, Completion c) throws SQLException {
    AttemptRecord a = c.attempt();
    ps.setString(5, a.url());
    ps.setInt(6, a.status());
    ps.setInt(7, a.statusCode());
    ps.setString(8, a.response());
    ps.setLong(9, a.durationMs());
    ps.setInt(10, c.task().manual() ? 1 : 0);
    ps.setLong(11, c.now());
  }

  private static final String INSERT_ATTEMPT = """
      INSERT INTO attempt (id, msg_id, endpoint_id, app_id, url, status, response_status_code, response,
                           response_duration_ms, trigger_type, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

  /** Fenced on the claim token: a process that lost its claim changes nothing. */
  private static final String FINISH_ATTEMPT = """
      UPDATE delivery SET status = ?, attempts = attempts + 1, next_attempt_at = ?,
                          lease_until = NULL, claim_token = NULL, manual = 0, updated_at = ?
      WHERE id = ? AND claim_token = ?""";

  /**
   * {@link #FINISH_ATTEMPT} for a delivery's first attempt, which it keeps in the row. Fenced on the claim token, and
   * on the row holding no first attempt yet, so that none is overwritten.
   */
  private static final String FINISH_FIRST_ATTEMPT = """
      UPDATE delivery SET status = ?, attempts = attempts + 1, next_attempt_at = ?,
                          lease_until = NULL, claim_token = NULL, manual = 0, updated_at = ?,
                          attempt_id = ?, attempt_url = ?, attempt_status = ?, attempt_status_code = ?,
                          attempt_response = ?, attempt_duration_ms = ?, attempt_trigger = ?, attempt_at = ?
      WHERE id = ? AND claim_token = ? AND attempt_id IS NULL""";

  /** Ends a delivery without an attempt (its endpoint was disabled or deleted, or its content removed). */
  public static void abandon(Handle h, long deliveryId, String claimToken, long now) {
    h.createUpdate("""
            UPDATE delivery SET status = 2, next_attempt_at = NULL, lease_until = NULL, claim_token = NULL,
                                manual = 0, updated_at = :now
            WHERE id = :id AND claim_token = :token""")
        .bind("id", deliveryId).bind("token", claimToken).bind("now", now).execute();
  }

  /** Removes a delivery whose endpoint no longer exists, fenced on the claim token like every other outcome. */
  public static void forget(Handle h, long deliveryId, String claimToken) {
    h.execute("DELETE FROM delivery WHERE id = ? AND claim_token = ?", deliveryId, claimToken);
  }

  /** Gives up a claim without attempting, so the delivery is due again at once. */
  public static void release(Handle h, long deliveryId, String claimToken) {
    h.createUpdate("UPDATE delivery SET lease_until = NULL, claim_token = NULL WHERE id = :id AND claim_token = :token")
        .bind("id", deliveryId).bind("token", claimToken).execute();
  }

  /**
   * Frees every claim. Only safe when this process is the store's sole user (the embedded store, guarded by its
   * lock file): claims left by a killed predecessor are then due at once instead of after their lease.
   */
  public int releaseAllClaims() {
    return db.writes().execute(h -> h.createUpdate(
        "UPDATE delivery SET lease_until = NULL, claim_token = NULL WHERE lease_until IS NOT NULL").execute());
  }

  /** One attempt's facts, as stored. {@code status} uses Svix's MessageStatus numbers. */
  public record AttemptRecord(String url, int status, int statusCode, String response, long durationMs) {}
}
