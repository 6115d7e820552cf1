package io.herald.server.delivery;

import io.herald.server.store.Database;
import io.herald.server.store.HotStatements;
import io.herald.server.store.Ids;
import io.herald.server.store.Rows;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    return h.createUpdate("""
            INSERT INTO delivery (msg_id, endpoint_id, app_id, status, attempts, manual, next_attempt_at,
                                  lease_until, claim_token, created_at, updated_at)
            VALUES (:msg, :ep, :app, 1, 0, 0, :now, :lease, :token, :now, :now)""")
        .bind("msg", msgId).bind("ep", endpointId).bind("app", appId).bind("now", now)
        .bind("lease", leaseUntil).bind("token", leaseUntil == null ? null : claimToken)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
  }

  /**
   * Claims up to {@code limit} due deliveries whose lease is absent or expired, and loads their messages. Runs in the
   * write transaction: on PostgreSQL the sub-select takes row locks with SKIP LOCKED so concurrent claimers never
   * wait on each other or take the same row.
   */
  public List<DeliveryTask> claimDue(Handle h, long now, long leaseUntil, String claimToken, int limit) {
    List<Map<String, Object>> rows = h.createQuery("""
            UPDATE delivery SET lease_until = :lease, claim_token = :token
            WHERE id IN (SELECT id FROM delivery
                         WHERE status = 1 AND next_attempt_at <= :now AND (lease_until IS NULL OR lease_until < :now)
                         ORDER BY next_attempt_at LIMIT :limit""" + db.dialect().skipLocked + """
            )
            RETURNING id, msg_id, endpoint_id, app_id, attempts, manual""")
        .bind("lease", leaseUntil).bind("token", claimToken).bind("now", now).bind("limit", limit)
        .mapToMap().list();
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<String, Object[]> messages = new HashMap<>();
    h.createQuery("SELECT id, event_type, payload, subject, sequence FROM message WHERE id IN (<ids>)")
        .bindList("ids", rows.stream().map(r -> (String) r.get("msg_id")).distinct().toList())
        .map((rs, ctx) -> messages.put(rs.getString("id"), new Object[] {rs.getString("event_type"),
            rs.getBytes("payload"), rs.getString("subject"), Rows.longOrNull(rs, "sequence")}))
        .list();
    List<DeliveryTask> tasks = new ArrayList<>(rows.size());
    for (Map<String, Object> r : rows) {
      Object[] m = messages.get((String) r.get("msg_id"));
      if (m == null || m[1] == null) {
        // The message's content was deleted: there is nothing to send, so the delivery ends as failed here, and on
        // an ordered endpoint the subject's next message may go.
        abandon(h, ((Number) r.get("id")).longValue(), claimToken, now);
        if (m != null && m[2] != null) {
          Sequencing.releaseNext(h, (String) r.get("app_id"), (String) r.get("endpoint_id"), (String) m[2], now);
        }
        continue;
      }
      tasks.add(new DeliveryTask(((Number) r.get("id")).longValue(), (String) r.get("msg_id"),
          (String) r.get("endpoint_id"), (String) r.get("app_id"), (String) m[0], (byte[]) m[1],
          ((Number) r.get("attempts")).intValue(), ((Number) r.get("manual")).intValue() != 0, leaseUntil,
          (String) m[2], (Long) m[3]));
    }
    return tasks;
  }

  /**
   * Records one attempt and moves the delivery on, fenced on the claim token. Returns false when another process
   * had taken the delivery over; the attempt row is kept either way, since the request did happen.
   *
   * @param nextAttemptAt null when the delivery reached a final state
   */
  public static boolean complete(Handle h, DeliveryTask task, String claimToken, AttemptRecord attempt, int status,
      Long nextAttemptAt, long now) {
    try {
      PreparedStatement insert = HotStatements.prepare(h, INSERT_ATTEMPT);
      insert.setString(1, Ids.next("atmpt", now));
      insert.setString(2, task.msgId());
      insert.setString(3, task.endpointId());
      insert.setString(4, task.appId());
      insert.setString(5, attempt.url());
      insert.setInt(6, attempt.status());
      insert.setInt(7, attempt.statusCode());
      insert.setString(8, attempt.response());
      insert.setLong(9, attempt.durationMs());
      insert.setInt(10, task.manual() ? 1 : 0);
      insert.setLong(11, now);
      insert.executeUpdate();
      PreparedStatement update = HotStatements.prepare(h, FINISH_ATTEMPT);
      update.setInt(1, status);
      if (nextAttemptAt == null) {
        update.setNull(2, Types.BIGINT);
      } else {
        update.setLong(2, nextAttemptAt);
      }
      update.setLong(3, now);
      update.setLong(4, task.id());
      update.setString(5, claimToken);
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(e, null);
    }
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


  /** Ends a delivery without an attempt (its endpoint was disabled or deleted, or its content removed). */
  public static void abandon(Handle h, long deliveryId, String claimToken, long now) {
    h.createUpdate("""
            UPDATE delivery SET status = 2, next_attempt_at = NULL, lease_until = NULL, claim_token = NULL,
                                manual = 0, updated_at = :now
            WHERE id = :id AND claim_token = :token""")
        .bind("id", deliveryId).bind("token", claimToken).bind("now", now).execute();
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
