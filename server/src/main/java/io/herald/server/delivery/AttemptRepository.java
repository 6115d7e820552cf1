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

/** Reads of attempts and of per-(message, endpoint) delivery state, and the writes behind resend and recover. */
public final class AttemptRepository {
  private static final String COLUMNS = "a.id, a.msg_id, a.endpoint_id, a.url, a.response, a.response_status_code, "
      + "a.response_duration_ms, a.status, a.trigger_type, a.created_at";

  /** Filters of the attempt lists; any may be null. */
  public record Filter(String msgId, String endpointId, Integer status, Integer statusCodeClass, List<String> eventTypes,
      Long before, Long after) {}

  private final Database db;

  public AttemptRepository(Database db) {
    this.db = db;
  }

  /**
   * Newest first: a message's attempts (to one endpoint when the filter names it too), or an endpoint's. The page is
   * read from attempt_msg or attempt_endpoint (see {@link PageRequest#scopedCondition}).
   */
  public List<AttemptOut> list(String appId, PageRequest page, Filter f) {
    if (f.msgId() == null && f.endpointId() == null) {
      throw new IllegalArgumentException("an attempt list is of a message or of an endpoint");
    }
    String scope = f.msgId() != null ? "a.msg_id" : "a.endpoint_id";
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM attempt a");
    boolean byType = f.eventTypes() != null && !f.eventTypes().isEmpty();
    if (byType) {
      sql.append(" JOIN message m ON m.id = a.msg_id");
    }
    sql.append(" WHERE a.app_id = :app AND ")
        .append(page.scopedCondition(scope, f.msgId() != null ? ":msg" : ":ep", "a.id"));
    if (f.msgId() != null && f.endpointId() != null) {
      sql.append(" AND a.endpoint_id = :ep");
    }
    if (f.status() != null) {
      sql.append(" AND a.status = :status");
    }
    if (f.statusCodeClass() != null) {
      sql.append(f.statusCodeClass() == 0 ? " AND a.response_status_code = 0"
          : " AND a.response_status_code >= :cls AND a.response_status_code < :cls + 100");
    }
    if (byType) {
      sql.append(" AND m.event_type IN (<types>)");
    }
    if (f.before() != null) {
      sql.append(" AND a.created_at < :before");
    }
    if (f.after() != null) {
      sql.append(" AND a.created_at > :after_time");
    }
    sql.append(" ORDER BY ").append(page.scopedOrderBy(scope, "a.id")).append(" LIMIT :limit");
    return db.reads().withHandle(h -> {
      var q = h.createQuery(sql.toString()).bind("app", appId).bind("after", page.after()).bind("msg", f.msgId())
          .bind("ep", f.endpointId()).bind("status", f.status()).bind("cls", f.statusCodeClass())
          .bind("before", f.before()).bind("after_time", f.after()).bind("limit", page.limit() + 1);
      if (byType) {
        q.bindList("types", f.eventTypes());
      }
      return q.map((rs, ctx) -> AttemptOut.of(rs)).list();
    });
  }

  public Optional<AttemptOut> find(String appId, String msgId, String attemptId) {
    return db.reads().withHandle(h -> h.createQuery("SELECT " + COLUMNS
            + " FROM attempt a WHERE a.app_id = :app AND a.msg_id = :msg AND a.id = :id")
        .bind("app", appId).bind("msg", msgId).bind("id", attemptId)
        .map((rs, ctx) -> AttemptOut.of(rs)).findOne());
  }

  public void deleteResponse(String attemptId) {
    db.writes().execute(h -> h.createUpdate("UPDATE attempt SET response = '' WHERE id = :id").bind("id", attemptId).execute());
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
