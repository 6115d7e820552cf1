package io.herald.server.application;

import io.herald.server.api.ApiException;
import io.herald.server.api.PageRequest;
import io.herald.server.store.Database;
import io.herald.server.store.Rows;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Applications in the store. Lookups accept the id or the user's uid. */
public final class ApplicationRepository {
  private static final String COLUMNS = "id, uid, name, throttle_rate, metadata, created_at, updated_at";
  private static final RowMapper<Application> MAPPER = (rs, ctx) -> new Application(
      rs.getString("id"), rs.getString("uid"), rs.getString("name"),
      Rows.intOrNull(rs, "throttle_rate"),
      rs.getString("metadata"), rs.getLong("created_at"), rs.getLong("updated_at"));

  private record Cached(Application app, long loadedAt) {}

  private final Database db;
  private final long cacheTtlMs;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  /**
   * Every API call resolves its application, which made this lookup a tenth of ingest's CPU: found applications are
   * kept for {@code cacheTtlMs} (0: no cache). Changes made here invalidate at once; the expiry bounds how long a
   * change made through another process takes to show. Misses are not cached, so a new application is found at once.
   */
  public ApplicationRepository(Database db, long cacheTtlMs) {
    this.db = db;
    this.cacheTtlMs = cacheTtlMs;
  }

  public Optional<Application> find(String idOrUid) {
    Cached c = cache.get(idOrUid);
    if (c != null && System.nanoTime() / 1_000_000 - c.loadedAt() <= cacheTtlMs) {
      return Optional.of(c.app());
    }
    Optional<Application> found = db.reads().withHandle(h -> find(h, idOrUid));
    if (cacheTtlMs > 0) {
      found.ifPresent(app -> cache.put(idOrUid, new Cached(app, System.nanoTime() / 1_000_000)));
    }
    return found;
  }

  public static Optional<Application> find(Handle h, String idOrUid) {
    return h.createQuery("SELECT " + COLUMNS + " FROM application WHERE id = :key OR uid = :key")
        .bind("key", idOrUid)
        .map(MAPPER)
        .findFirst();
  }

  /** The application or a 404 naming it. */
  public Application require(String idOrUid) {
    return find(idOrUid).orElseThrow(() -> ApiException.notFound("application '" + idOrUid + "'"));
  }

  public List<Application> list(PageRequest page) {
    return db.reads().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM application WHERE "
            + page.idCondition("id") + " ORDER BY " + page.orderBy("id") + " LIMIT :limit")
        .bind("after", page.after())
        .bind("limit", page.limit() + 1)
        .map(MAPPER)
        .list());
  }

  /** Inserts {@code app}; a taken uid is a 409. */
  public Application insert(Application app) {
    return invalidating(db.writes().execute(h -> {
      if (app.uid() != null && find(h, app.uid()).isPresent()) {
        throw ApiException.conflict("an application with uid '" + app.uid() + "' already exists");
      }
      h.createUpdate("INSERT INTO application (" + COLUMNS + ") VALUES "
              + "(:id, :uid, :name, :throttleRate, :metadata, :createdAt, :updatedAt)")
          .bindMethods(app)
          .execute();
      return app;
    }));
  }

  /** Replaces the mutable fields of an existing application; a uid taken by another application is a 409. */
  public Application update(Application app) {
    return invalidating(db.writes().execute(h -> {
      if (app.uid() != null) {
        find(h, app.uid()).filter(other -> !other.id().equals(app.id())).ifPresent(other -> {
          throw ApiException.conflict("an application with uid '" + app.uid() + "' already exists");
        });
      }
      int n = h.createUpdate("UPDATE application SET uid = :uid, name = :name, throttle_rate = :throttleRate, "
              + "metadata = :metadata, updated_at = :updatedAt WHERE id = :id")
          .bindMethods(app)
          .execute();
      if (n == 0) {
        throw ApiException.notFound("application '" + app.id() + "'");
      }
      return app;
    }));
  }

  /** Deletes the application with its endpoints, messages, deliveries and attempts. */
  public void delete(String id) {
    // Messages, deliveries and attempts explicitly, through their message: PostgreSQL keeps no foreign keys on the
    // per-delivery tables (postgresql/V7). Endpoints, subjects and fan-outs still go by cascade.
    db.writes().execute(h -> {
      h.execute("DELETE FROM attempt WHERE msg_id IN (SELECT id FROM message WHERE app_id = ?)", id);
      h.execute("DELETE FROM delivery WHERE msg_id IN (SELECT id FROM message WHERE app_id = ?)", id);
      h.execute("DELETE FROM message WHERE app_id = ?", id);
      return h.execute("DELETE FROM application WHERE id = ?", id);
    });
    cache.clear();
  }

  /** After a committed change, before the API answers: cleared after the commit, so no reader re-caches the old. */
  private Application invalidating(Application changed) {
    cache.clear();
    return changed;
  }
}
