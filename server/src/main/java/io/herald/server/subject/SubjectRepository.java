package io.herald.server.subject;

import io.herald.server.api.ApiException;
import io.herald.server.api.PageRequest;
import io.herald.server.store.Database;
import io.herald.server.store.Rows;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Subjects in the store, and the sequence counter ingest advances. */
public final class SubjectRepository {
  private static final String COLUMNS = "app_id, id, metadata, state, last_sequence, first_event_at, last_event_at, "
      + "ended_by, created_at, updated_at";
  private static final RowMapper<Subject> MAPPER = (rs, ctx) -> new Subject(rs.getString("app_id"),
      rs.getString("id"), rs.getString("metadata"), rs.getString("state"), rs.getLong("last_sequence"),
      Rows.longOrNull(rs, "first_event_at"), Rows.longOrNull(rs, "last_event_at"), rs.getString("ended_by"),
      rs.getLong("created_at"), rs.getLong("updated_at"));

  private final Database db;

  public SubjectRepository(Database db) {
    this.db = db;
  }

  public Optional<Subject> find(String appId, String id) {
    return db.reads().withHandle(h -> find(h, appId, id));
  }

  public static Optional<Subject> find(Handle h, String appId, String id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM subject WHERE app_id = :app AND id = :id")
        .bind("app", appId).bind("id", id).map(MAPPER).findOne();
  }

  public Subject require(String appId, String id) {
    return find(appId, id).orElseThrow(() -> ApiException.notFound("subject '" + id + "'"));
  }

  /** Ordered by id; {@code state} filters when not null. */
  public List<Subject> list(String appId, PageRequest page, String state) {
    return db.reads().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM subject WHERE "
            + page.scopedCondition("app_id", ":app", "id") + (state == null ? "" : " AND state = :state")
            + " ORDER BY " + page.scopedOrderBy("app_id", "id") + " LIMIT :limit")
        .bind("app", appId).bind("after", page.after()).bind("state", state).bind("limit", page.limit() + 1)
        .map(MAPPER).list());
  }

  /** Creates the subject or replaces its metadata; returns it and whether it was created. */
  public Saved putMetadata(String appId, String id, String metadata, long now) {
    return db.writes().execute(h -> {
      boolean created = create(h, appId, id, metadata, now);
      if (!created) {
        h.createUpdate("UPDATE subject SET metadata = :metadata, updated_at = :now WHERE app_id = :app AND id = :id")
            .bind("metadata", metadata).bind("now", now).bind("app", appId).bind("id", id).execute();
      }
      return new Saved(find(h, appId, id).orElseThrow(), created);
    });
  }

  /** A subject after {@link #putMetadata}. */
  public record Saved(Subject subject, boolean created) {}

  /** What {@link #advance} came to. */
  public sealed interface Advance {
    /** The message got the sequence number {@code sequence}. */
    record Next(long sequence) implements Advance {}

    /** The subject had ended: {@code state} is completed or failed, closed by message {@code endedBy}. */
    record Ended(String state, String endedBy) implements Advance {}
  }

  /**
   * Gives the next message of a subject its sequence number, creating the subject on first use, inside the ingest
   * transaction. The UPDATE ... RETURNING is one atomic step on SQLite and on PostgreSQL alike: concurrent ingests for
   * one subject, from any number of processes, queue on the row and each reads back its own number. A terminal
   * message moves the subject to {@code endState} in the same statement, so no message can slip in after it.
   *
   * @param endState null for a message that does not end the subject, else completed or failed
   */
  public static Advance advance(Handle h, String appId, String id, String msgId, String endState, long now) {
    create(h, appId, id, "{}", now);
    Optional<Long> next = h.createQuery("""
            UPDATE subject SET last_sequence = last_sequence + 1, first_event_at = COALESCE(first_event_at, :now),
                               last_event_at = :now, state = :state, ended_by = :endedBy, updated_at = :now
            WHERE app_id = :app AND id = :id AND state = 'open'
            RETURNING last_sequence""")
        .bind("now", now).bind("state", endState == null ? Subject.OPEN : endState)
        .bind("endedBy", endState == null ? null : msgId).bind("app", appId).bind("id", id)
        .mapTo(Long.class).findOne();
    if (next.isPresent()) {
      return new Advance.Next(next.get());
    }
    Subject ended = find(h, appId, id).orElseThrow();
    return new Advance.Ended(ended.state(), ended.endedBy());
  }

  private static boolean create(Handle h, String appId, String id, String metadata, long now) {
    return h.createUpdate("""
            INSERT INTO subject (app_id, id, metadata, state, last_sequence, created_at, updated_at)
            VALUES (:app, :id, :metadata, 'open', 0, :now, :now)
            ON CONFLICT (app_id, id) DO NOTHING""")
        .bind("app", appId).bind("id", id).bind("metadata", metadata).bind("now", now)
        .execute() == 1;
  }
}
