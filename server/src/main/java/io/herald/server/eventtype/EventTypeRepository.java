package io.herald.server.eventtype;

import io.herald.server.api.ApiException;
import io.herald.server.api.PageRequest;
import io.herald.server.store.Database;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Event types in the store; they are global to the server, as in Svix. */
public final class EventTypeRepository {
  private static final String COLUMNS = "name, description, archived, deprecated, feature_flag, schemas, lifecycle, "
      + "category, failure, created_at, updated_at";
  private static final String VALUES = ":name, :description, :archived, :deprecated, :featureFlag, :schemas, :lifecycle, "
      + ":category, :failure, :createdAt, :updatedAt";
  private static final RowMapper<EventType> MAPPER = (rs, ctx) -> new EventType(rs.getString("name"),
      rs.getString("description"), rs.getBoolean("archived"), rs.getBoolean("deprecated"), rs.getString("feature_flag"),
      rs.getString("schemas"), rs.getString("lifecycle"), rs.getString("category"), rs.getBoolean("failure"),
      rs.getLong("created_at"), rs.getLong("updated_at"));

  /** What ingest needs to know about a message's event type; {@link #NONE} when the type is not registered. */
  public record Lifecycle(boolean progress, boolean terminal, boolean failure) {
    public static final Lifecycle NONE = new Lifecycle(false, false, false);
  }

  private final Database db;

  public EventTypeRepository(Database db) {
    this.db = db;
  }

  public Optional<EventType> find(String name) {
    return db.reads().withHandle(h -> find(h, name));
  }

  public static Optional<EventType> find(Handle h, String name) {
    return h.createQuery("SELECT " + COLUMNS + " FROM event_type WHERE name = :name")
        .bind("name", name).map(MAPPER).findOne();
  }

  public EventType require(String name) {
    return find(name).orElseThrow(() -> ApiException.notFound("event type '" + name + "'"));
  }

  public List<EventType> list(PageRequest page, boolean includeArchived) {
    return db.reads().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM event_type WHERE "
            + page.idCondition("name") + (includeArchived ? "" : " AND archived = 0")
            + " ORDER BY " + page.orderBy("name") + " LIMIT :limit")
        .bind("after", page.after())
        .bind("limit", page.limit() + 1)
        .map(MAPPER)
        .list());
  }

  public EventType insert(EventType type) {
    return db.writes().execute(h -> {
      int n = h.createUpdate("INSERT INTO event_type (" + COLUMNS + ") VALUES (" + VALUES + ") "
              + "ON CONFLICT (name) DO NOTHING")
          .bindMap(params(type))
          .execute();
      if (n == 0) {
        throw ApiException.conflict("event type '" + type.name() + "' already exists");
      }
      return type;
    });
  }

  /** Inserts or replaces (PUT semantics); returns true when it was created. */
  public boolean upsert(EventType type) {
    return db.writes().execute(h -> {
      boolean existed = h.createQuery("SELECT 1 FROM event_type WHERE name = :name").bind("name", type.name())
          .mapTo(Integer.class).findOne().isPresent();
      h.createUpdate("INSERT INTO event_type (" + COLUMNS + ") VALUES (" + VALUES + ") "
              + "ON CONFLICT (name) DO UPDATE SET "
              + "description = excluded.description, archived = excluded.archived, deprecated = excluded.deprecated, "
              + "feature_flag = excluded.feature_flag, schemas = excluded.schemas, lifecycle = excluded.lifecycle, "
              + "category = excluded.category, failure = excluded.failure, updated_at = excluded.updated_at")
          .bindMap(params(type))
          .execute();
      return !existed;
    });
  }

  /**
   * The lifecycle of {@code name}, read inside the ingest transaction. Types are optional, as in Svix: a message of
   * an unregistered type has no lifecycle.
   */
  public static Lifecycle lifecycleOf(Handle h, String name) {
    return h.createQuery("SELECT lifecycle, failure FROM event_type WHERE name = :name")
        .bind("name", name)
        .map((rs, ctx) -> new Lifecycle(EventType.PROGRESS.equals(rs.getString("lifecycle")),
            EventType.TERMINAL.equals(rs.getString("lifecycle")), rs.getBoolean("failure")))
        .findOne().orElse(Lifecycle.NONE);
  }

  /** Svix archives on DELETE unless {@code expunge=true}; archived types stay usable by existing messages. */
  public void delete(String name, boolean expunge, long now) {
    db.writes().execute(h -> expunge
        ? h.createUpdate("DELETE FROM event_type WHERE name = :name").bind("name", name).execute()
        : h.createUpdate("UPDATE event_type SET archived = 1, updated_at = :now WHERE name = :name")
            .bind("name", name).bind("now", now).execute());
  }

  /** Flags are bound as 0/1 so the same SQL runs on SQLite and PostgreSQL (integer columns on both). */
  private static java.util.Map<String, Object> params(EventType t) {
    java.util.Map<String, Object> p = new java.util.HashMap<>();
    p.put("name", t.name());
    p.put("description", t.description());
    p.put("archived", t.archived() ? 1 : 0);
    p.put("deprecated", t.deprecated() ? 1 : 0);
    p.put("featureFlag", t.featureFlag());
    p.put("schemas", t.schemas());
    p.put("lifecycle", t.lifecycle());
    p.put("category", t.category());
    p.put("failure", t.failure() ? 1 : 0);
    p.put("createdAt", t.createdAt());
    p.put("updatedAt", t.updatedAt());
    return p;
  }
}
