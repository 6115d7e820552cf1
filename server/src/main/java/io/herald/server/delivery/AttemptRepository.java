package io.herald.server.delivery;

import io.herald.server.api.ApiException;
import io.herald.server.api.PageRequest;
import io.herald.server.store.Database;
import io.herald.server.store.Ids;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Reads of attempts and of per-(message, endpoint) delivery state, and the writes behind resend and recover.
 *
 * <p>An attempt is stored in one of two places: a delivery's first attempt in the delivery's own row (the
 * {@code attempt_*} columns, written by the update that records its outcome), a later one as a row of the attempt
 * table ({@link DeliveryRepository#completeAll}). Every read here reads both, as one list in attempt id order.
 */
public final class AttemptRepository {
  /** Where attempts are kept, with the column that holds each field: the attempt table, or a delivery's first. */
  private record Source(String table, String id, String msgId, String endpointId, String appId, String url,
      String response, String statusCode, String durationMs, String status, String trigger, String createdAt,
      String present) {
    /** The select list, in {@link AttemptOut#of}'s names, the same in both sources (a compound select's rule). */
    String columns() {
      return id + " AS id, " + msgId + " AS msg_id, " + endpointId + " AS endpoint_id, " + url + " AS url, "
          + response + " AS response, " + statusCode + " AS response_status_code, " + durationMs
          + " AS response_duration_ms, " + status + " AS status, " + trigger + " AS trigger_type, " + createdAt
          + " AS created_at";
    }
  }

  private static final Source TABLE = new Source("attempt a", "a.id", "a.msg_id", "a.endpoint_id", "a.app_id", "a.url",
      "a.response", "a.response_status_code", "a.response_duration_ms", "a.status", "a.trigger_type", "a.created_at",
      null);

  /**
   * A delivery's first attempt. {@code present} is stated, not left to follow from the other conditions, so that the
   * planner may read an endpoint's from {@code delivery_attempt_endpoint}, which holds only such rows.
   */
  private static final Source FIRST = new Source("delivery d", "d.attempt_id", "d.msg_id", "d.endpoint_id", "d.app_id",
      "d.attempt_url", "d.attempt_response", "d.attempt_status_code", "d.attempt_duration_ms", "d.attempt_status",
      "d.attempt_trigger", "d.attempt_at", "d.attempt_id IS NOT NULL");

  /** Filters of the attempt lists; any may be null. */
  public record Filter(String msgId, String endpointId, Integer status, Integer statusCodeClass, List<String> eventTypes,
      Long before, Long after) {}

  private final Database db;

  public AttemptRepository(Database db) {
    this.db = db;
  }

  /**
   * Newest first: a message's attempts (to one endpoint when the filter names it too), or an endpoint's. Each source
   * reads its part of the page in order from its scope's index ({@link PageRequest#scopedCondition}), a page's worth
   * at most: an endpoint's from attempt_endpoint and delivery_attempt_endpoint, a message's from attempt_msg and the
   * delivery's (msg_id, endpoint_id) key, where a message has one row per endpoint it went to. The two parts are
   * merged by id.
   *
   * <p>Each part carries its own ORDER BY and LIMIT. With them only around the union, PostgreSQL planned each part
   * on its own, without the order (a part with a WHERE clause stays a subquery), and sorted every row of the scope
   * after the iterator: a page of an endpoint's attempts would have read its whole history. SQLite reads each part
   * from its index and sorts the page's rows again, at most twice a page.
   */
  public List<AttemptOut> list(String appId, PageRequest page, Filter f) {
    if (f.msgId() == null && f.endpointId() == null) {
      throw new IllegalArgumentException("an attempt list is of a message or of an endpoint");
    }
    boolean byType = f.eventTypes() != null && !f.eventTypes().isEmpty();
    String sql = "SELECT * FROM (" + select(TABLE, page, f, byType) + ") t UNION ALL SELECT * FROM ("
        + select(FIRST, page, f, byType) + ") f ORDER BY "
        + page.scopedOrderBy(f.msgId() != null ? "msg_id" : "endpoint_id", "id") + " LIMIT :limit";
    return db.reads().withHandle(h -> {
      var q = h.createQuery(sql).bind("app", appId).bind("after", page.after()).bind("msg", f.msgId())
          .bind("ep", f.endpointId()).bind("status", f.status()).bind("cls", f.statusCodeClass())
          .bind("before", f.before()).bind("after_time", f.after()).bind("limit", page.limit() + 1);
      if (byType) {
        q.bindList("types", f.eventTypes());
      }
      return q.map((rs, ctx) -> AttemptOut.of(rs)).list();
    });
  }

  /** One source's part of {@link #list}'s statement. */
  private static String select(Source s, PageRequest page, Filter f, boolean byType) {
    String scope = f.msgId() != null ? s.msgId() : s.endpointId();
    StringBuilder sql = new StringBuilder("SELECT " + s.columns() + " FROM " + s.table());
    if (byType) {
      sql.append(" JOIN message m ON m.id = ").append(s.msgId());
    }
    sql.append(" WHERE ").append(s.appId()).append(" = :app AND ")
        .append(page.scopedCondition(scope, f.msgId() != null ? ":msg" : ":ep", s.id()));
    if (s.present() != null) {
      sql.append(" AND ").append(s.present());
    }
    if (f.msgId() != null && f.endpointId() != null) {
      sql.append(" AND ").append(s.endpointId()).append(" = :ep");
    }
    if (f.status() != null) {
      sql.append(" AND ").append(s.status()).append(" = :status");
    }
    if (f.statusCodeClass() != null) {
      sql.append(f.statusCodeClass() == 0 ? " AND " + s.statusCode() + " = 0"
          : " AND " + s.statusCode() + " >= :cls AND " + s.statusCode() + " < :cls + 100");
    }
    if (byType) {
      sql.append(" AND m.event_type IN (<types>)");
    }
    if (f.before() != null) {
      sql.append(" AND ").append(s.createdAt()).append(" < :before");
    }
    if (f.after() != null) {
      sql.append(" AND ").append(s.createdAt()).append(" > :after_time");
    }
    return sql.append(" ORDER BY ").append(page.scopedOrderBy(scope, s.id())).append(" LIMIT :limit").toString();
  }

  public Optional<AttemptOut> find(String appId, String msgId, String attemptId) {
    return db.reads().withHandle(h -> h.createQuery(byId(TABLE) + " UNION ALL " + byId(FIRST))
        .bind("app", appId).bind("msg", msgId).bind("id", attemptId)
        .map((rs, ctx) -> AttemptOut.of(rs)).findOne());
  }

  private static String byId(Source s) {
    return "SELECT " + s.columns() + " FROM " + s.table() + " WHERE " + s.appId() + " = :app AND " + s.msgId()
        + " = :msg AND " + s.id() + " = :id";
  }

  /** Empties an attempt's stored response, wherever it is kept. */
  public void deleteResponse(String msgId, String attemptId) {
    db.writes().execute(h -> {
      h.createUpdate("UPDATE attempt SET response = '' WHERE id = :id").bind("id", attemptId).execute();
      return h.createUpdate("UPDATE delivery SET attempt_response = '' WHERE msg_id = :msg AND attempt_id = :id")
          .bind("msg", msgId).bind("id", attemptId).execute();
    });
  }

  /** A delivery's state as the API shows it with an endpoint or a message. */
  public record DeliveryState(String msgId, String endpointId, int status, Long nextAttemptAt) {}

  public List<DeliveryState> statesOfMessage(String msgId, PageRequest page) {
    return db.reads().withHandle(h -> h.createQuery("SELECT msg_id, endpoint_id, status, next_attempt_at FROM delivery "
            + "WHERE " + page.scopedCondition("msg_id", ":msg", "endpoint_id") + " ORDER BY "
            + page.scopedOrderBy("msg_id", "endpoint_id") + " LIMIT :limit")
        .bind("msg", msgId).bind("after", page.after()).bind("limit", page.limit() + 1)
        .map((rs, ctx) -> new DeliveryState(rs.getString("msg_id"), rs.getString("endpoint_id"), rs.getInt("status"),
            io.herald.server.store.Rows.longOrNull(rs, "next_attempt_at")))
        .list());
  }

  public List<DeliveryState> statesOfEndpoint(String endpointId, PageRequest page, Integer status) {
    return db.reads().withHandle(h -> h.createQuery("SELECT msg_id, endpoint_id, status, next_attempt_at FROM delivery "
            + "WHERE " + page.scopedCondition("endpoint_id", ":ep", "msg_id")
            + (status == null ? "" : " AND status = :status") + " ORDER BY " + page.scopedOrderBy("endpoint_id", "msg_id")
            + " LIMIT :limit")
        .bind("ep", endpointId).bind("after", page.after()).bind("status", status).bind("limit", page.limit() + 1)
        .map((rs, ctx) -> new DeliveryState(rs.getString("msg_id"), rs.getString("endpoint_id"), rs.getInt("status"),
            io.herald.server.store.Rows.longOrNull(rs, "next_attempt_at")))
        .list());
  }

  /**
   * Schedules one manual attempt of a message to an endpoint, now. A manual attempt that fails is not retried.
   * Creates the delivery when the message never went to that endpoint (it was created later, or filtered).
   */
  public void resend(String msgId, String endpointId, String appId, long now) {
    db.writes().execute(h -> {
      int n = h.createUpdate("UPDATE delivery SET status = 1, manual = 1, next_attempt_at = :now, updated_at = :now "
              + "WHERE msg_id = :msg AND endpoint_id = :ep AND lease_until IS NULL")
          .bind("msg", msgId).bind("ep", endpointId).bind("now", now).execute();
      if (n == 0) {
        boolean exists = h.createQuery("SELECT 1 FROM delivery WHERE msg_id = :msg AND endpoint_id = :ep")
            .bind("msg", msgId).bind("ep", endpointId).mapTo(Integer.class).findOne().isPresent();
        if (exists) {
          throw ApiException.conflict("this message is being delivered to this endpoint right now; try again shortly");
        }
        h.createUpdate("INSERT INTO delivery (msg_id, endpoint_id, app_id, status, attempts, manual, next_attempt_at, "
                + "created_at, updated_at) VALUES (:msg, :ep, :app, 1, 0, 1, :now, :now, :now)")
            .bind("msg", msgId).bind("ep", endpointId).bind("app", appId).bind("now", now).execute();
      }
      return null;
    });
  }

  /**
   * Deliveries one transaction of a recovery makes due, at most: every write in that commit (ingest's too) waits for
   * it. In the retry-backlog benchmark's half-million recovery, chunks of 1,000 held each commit about 5 ms and let
   * 7,000 deliveries a second out while the recovery ran; chunks of 250 held it about 2 ms and let out 12,000.
   */
  static final int RECOVER_CHUNK = 250;

  /** What one chunk of a recovery did: deliveries made due, and the last message id it covered (null: none left). */
  private record RecoverChunk(int recovered, String lastMsgId) {}

  /**
   * Schedules a manual attempt of every failed delivery to the endpoint whose message is in [since, until), in message
   * order, {@link #RECOVER_CHUNK} per transaction. One transaction for the lot held every other write back until it
   * committed (half a million took 1.6 s on a quiet benchmark machine, accepting and sending nothing meanwhile), and no
   * delivery went out before the last row was updated; in chunks, ingest keeps its commits, and {@code afterFirst} (the
   * dispatcher's wake-up) runs once the first chunk has committed, so the first recovered deliveries are sent while
   * later ones are still being made due. Once: the endpoint's lane then fills and refills from its own rows, and a
   * wake-up per chunk made the poller walk the whole recovered backlog past that full lane, per chunk (a recovery of
   * half a million took 7 s instead of 1.6, sending about 1,300 deliveries a second meanwhile). A recovery cut short
   * (the process stopped) is finished by calling it again: the deliveries it already recovered are no longer failed, so
   * none is sent twice. On an endpoint that delivers in subject order, the recovered messages of a subject go out one
   * at a time, in sequence.
   */
  public int recover(String endpointId, boolean ordered, long since, long until, long now, Runnable afterFirst) {
    String to = Ids.lowerBound("msg", until);
    int total = 0;
    String after = null;
    String from = Ids.lowerBound("msg", since);
    do {
      String start = after == null ? from : after;
      boolean first = after == null;
      RecoverChunk chunk = db.writes().execute(h -> recoverChunk(h, endpointId, ordered, start, first, to, now));
      if (total == 0 && chunk.recovered() > 0) {
        afterFirst.run();
      }
      total += chunk.recovered();
      after = chunk.lastMsgId();
    } while (after != null);
    return total;
  }

  /**
   * Makes the next chunk's failed deliveries due: those from {@code start} (inclusive for the first chunk, else
   * exclusive) up to the {@link #RECOVER_CHUNK}th failed one. One lower bound per statement, so that the walk of
   * {@code delivery_endpoint} starts at the chunk, not at {@code since} again (with both, SQLite ranged on either,
   * and a recovery of half a million rows took 45 s).
   */
  private static RecoverChunk recoverChunk(Handle h, String endpointId, boolean ordered, String start, boolean first,
      String to, long now) {
    String range = "endpoint_id = :ep AND status = 2 AND msg_id " + (first ? ">=" : ">") + " :start AND msg_id ";
    String last = h.createQuery("SELECT msg_id FROM delivery WHERE " + range + "< :to ORDER BY msg_id LIMIT 1 OFFSET "
            + (RECOVER_CHUNK - 1))
        .bind("ep", endpointId).bind("start", start).bind("to", to).mapTo(String.class).findOne().orElse(null);
    String sql = "UPDATE delivery SET status = 1, manual = 1, next_attempt_at = :now, updated_at = :now WHERE " + range
        + (last == null ? "< :end" : "<= :end");
    List<String> subjects = h.createQuery(sql + " RETURNING subject")
        .bind("ep", endpointId).bind("start", start).bind("end", last == null ? to : last).bind("now", now)
        .mapTo(String.class).list();
    if (ordered) {
      Sequencing.parkRecovered(h, endpointId, subjects.stream().filter(Objects::nonNull).collect(Collectors.toSet()));
    }
    return new RecoverChunk(subjects.size(), last);
  }
}
