package io.herald.server.message;

import com.fasterxml.jackson.core.type.TypeReference;
import io.herald.server.api.ApiException;
import io.herald.server.api.Json;
import io.herald.server.api.PageRequest;
import io.herald.server.delivery.Sequencing;
import io.herald.server.store.Database;
import io.herald.server.store.HotStatements;
import io.herald.server.store.Rows;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Messages in the store. */
public final class MessageRepository {
  private static final String COLUMNS = "id, app_id, event_id, event_type, channels, payload, created_at, subject, "
      + "sequence, user_name, labels, metadata";
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};
  static final RowMapper<Message> MAPPER = (rs, ctx) -> new Message(rs.getString("id"), rs.getString("app_id"),
      rs.getString("event_id"), rs.getString("event_type"), read(rs.getString("channels"), STRINGS),
      rs.getBytes("payload"), rs.getLong("created_at"), rs.getString("subject"), Rows.longOrNull(rs, "sequence"),
      rs.getString("user_name"), read(rs.getString("labels"), LABELS), rs.getString("metadata"));

  /** Filters of {@code GET /msg}. */
  public record Filter(String channel, List<String> eventTypes, Long before, Long after, String subject) {}

  private final Database db;

  public MessageRepository(Database db) {
    this.db = db;
  }

  public Optional<Message> find(String appId, String idOrEventId) {
    return db.reads().withHandle(h -> h.createQuery("SELECT " + COLUMNS
            + " FROM message WHERE app_id = :app AND (id = :key OR event_id = :key)")
        .bind("app", appId).bind("key", idOrEventId).map(MAPPER).findFirst());
  }

  /** By id alone, inside a handle the caller holds (the dispatcher's rendering). */
  public static Optional<Message> byId(Handle h, String id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM message WHERE id = :id").bind("id", id).map(MAPPER).findOne();
  }

  public Message require(String appId, String idOrEventId) {
    return find(appId, idOrEventId).orElseThrow(() -> ApiException.notFound("message '" + idOrEventId + "'"));
  }

  /**
   * Newest first by default. Channel and event-type filters run in SQL so that paging stays exact. The page is read
   * from message_app (see {@link PageRequest#scopedCondition}), or with a subject from message_subject, the subject
   * being the scope within its application.
   */
  public List<Message> list(String appId, PageRequest page, Filter f) {
    boolean bySubject = f.subject() != null;
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM message WHERE ")
        .append(bySubject ? "app_id = :app AND " + page.scopedCondition("subject", ":subject", "id")
            : page.scopedCondition("app_id", ":app", "id"));
    if (f.eventTypes() != null && !f.eventTypes().isEmpty()) {
      sql.append(" AND event_type IN (<types>)");
    }
    if (f.before() != null) {
      sql.append(" AND created_at < :before");
    }
    if (f.after() != null) {
      sql.append(" AND created_at > :after_time");
    }
    if (f.channel() != null) {
      // channels is a JSON array of validated names ([a-zA-Z0-9-_.]), so a quoted substring match is exact.
      sql.append(" AND channels LIKE :channel");
    }
    sql.append(" ORDER BY ")
        .append(bySubject ? page.scopedOrderBy("subject", "id") : page.scopedOrderBy("app_id", "id"))
        .append(" LIMIT :limit");
    return db.reads().withHandle(h -> {
      var q = h.createQuery(sql.toString()).bind("app", appId).bind("after", page.after())
          .bind("limit", page.limit() + 1).bind("before", f.before()).bind("after_time", f.after())
          .bind("subject", f.subject())
          .bind("channel", f.channel() == null ? null : "%\"" + f.channel() + "\"%");
      if (f.eventTypes() != null && !f.eventTypes().isEmpty()) {
        q.bindList("types", f.eventTypes());
      }
      return q.map(MAPPER).list();
    });
  }

  /**
   * Inserts the message unless its eventId is already used in the application. Returns false for a duplicate,
   * without an exception, so the shared ingest transaction stays usable. Public for the benchmark's store floor,
   * which runs Herald's own statements without the rest of Herald.
   */
  public static boolean insert(Handle h, Message m) {
    try {
      PreparedStatement ps = HotStatements.prepare(h, INSERT);
      bind(ps, m);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(e, null);
    }
  }

  /**
   * Inserts messages that have no eventId, as one batch (one round trip on PostgreSQL, where it becomes a single
   * multi-row INSERT): with no eventId there is no duplicate to find, so no row can be refused. Public for the
   * benchmark's store floor.
   */
  public static void insertAll(Handle h, List<Message> messages) {
    try {
      PreparedStatement ps = HotStatements.prepare(h, INSERT_NEW);
      for (Message m : messages) {
        if (m.eventId() != null) {
          throw new IllegalArgumentException("insertAll takes messages without an eventId; " + m.id() + " has one");
        }
        bind(ps, m);
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new UnableToExecuteStatementException(e, null);
    }
  }

  private static void bind(PreparedStatement ps, Message m) throws SQLException {
    ps.setString(1, m.id());
    ps.setString(2, m.appId());
    ps.setString(3, m.eventId());
    ps.setString(4, m.eventType());
    ps.setString(5, m.channels() == null ? null : Json.text(Json.MAPPER.valueToTree(m.channels())));
    ps.setBytes(6, m.payload());
    ps.setLong(7, m.createdAt());
    ps.setString(8, m.subject());
    if (m.sequence() == null) {
      ps.setNull(9, Types.BIGINT);
    } else {
      ps.setLong(9, m.sequence());
    }
    ps.setString(10, m.user());
    ps.setString(11, m.labels() == null ? null : Json.text(Json.MAPPER.valueToTree(m.labels())));
    ps.setString(12, m.metadata());
  }

  /** Plain JDBC: it runs once per accepted message, on the writer's connection ({@link HotStatements}). */
  private static final String INSERT_NEW = "INSERT INTO message (" + COLUMNS
      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT = INSERT_NEW
      + " ON CONFLICT (app_id, event_id) WHERE event_id IS NOT NULL DO NOTHING";

  /**
   * Whether {@code eventId} is already used in the application. Ingest asks before it takes a sequence number, so a
   * producer's retry of a message does not use one up (the insert's ON CONFLICT stays the final word).
   */
  static boolean eventIdTaken(Handle h, String appId, String eventId) {
    return eventId != null && h.createQuery("SELECT 1 FROM message WHERE app_id = :app AND event_id = :eventId")
        .bind("app", appId).bind("eventId", eventId).mapTo(Integer.class).findOne().isPresent();
  }

  /**
   * Deletes a message's payload; its deliveries and attempts stay, and pending deliveries that no process holds end
   * as failed. With a subject, the next message of the subject is released for endpoints that deliver in order.
   */
  public void deleteContent(String msgId, long now) {
    db.writes().execute(h -> {
      h.createUpdate("UPDATE message SET payload = NULL WHERE id = :id").bind("id", msgId).execute();
      Sequencing.failUnsent(h, msgId, now);
      return null;
    });
  }

  private static <T> T read(String json, TypeReference<T> type) {
    if (json == null) {
      return null;
    }
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored message JSON is unreadable", e);
    }
  }
}
