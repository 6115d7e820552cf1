package io.herald.server.endpoint;

import com.fasterxml.jackson.core.type.TypeReference;
import io.herald.server.api.ApiException;
import io.herald.server.api.Json;
import io.herald.server.api.PageRequest;
import io.herald.server.store.Database;
import io.herald.server.store.Rows;
import io.herald.server.wire.BodyFormat;
import io.herald.server.wire.WireSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Endpoints in the store. JSON columns (lists, headers, old secrets) are read and written as text here. */
public final class EndpointRepository {
  private static final String COLUMNS = "id, app_id, uid, url, description, version, disabled, event_types, channels, "
      + "throttle_rate, metadata, headers, secret, old_secrets, created_at, updated_at, ordering, progress, body_format, "
      + "body_template, bearer_token, header_templates";
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};
  private static final TypeReference<List<Endpoint.OldSecret>> OLD_SECRETS = new TypeReference<>() {};

  static final RowMapper<Endpoint> MAPPER = (rs, ctx) -> new Endpoint(
      rs.getString("id"), rs.getString("app_id"), rs.getString("uid"), rs.getString("url"),
      rs.getString("description"), rs.getInt("version"), rs.getBoolean("disabled"),
      read(rs.getString("event_types"), STRINGS), read(rs.getString("channels"), STRINGS),
      Rows.intOrNull(rs, "throttle_rate"), rs.getString("metadata"), read(rs.getString("headers"), HEADERS),
      rs.getString("secret"), read(rs.getString("old_secrets"), OLD_SECRETS),
      rs.getLong("created_at"), rs.getLong("updated_at"),
      "subject".equals(rs.getString("ordering")) ? Endpoint.Ordering.SUBJECT : Endpoint.Ordering.NONE,
      "latest".equals(rs.getString("progress")) ? Endpoint.Progress.LATEST : Endpoint.Progress.ALL,
      new WireSettings(BodyFormat.parse(rs.getString("body_format")).orElse(BodyFormat.RAW),
          rs.getString("body_template"), rs.getString("bearer_token"), read(rs.getString("header_templates"), HEADERS)));

  private final Database db;

  public EndpointRepository(Database db) {
    this.db = db;
  }

  public Optional<Endpoint> find(String appId, String idOrUid) {
    return db.reads().withHandle(h -> h.createQuery(
            "SELECT " + COLUMNS + " FROM endpoint WHERE app_id = :app AND (id = :key OR uid = :key)")
        .bind("app", appId).bind("key", idOrUid).map(MAPPER).findFirst());
  }

  public Endpoint require(String appId, String idOrUid) {
    return find(appId, idOrUid).orElseThrow(() -> ApiException.notFound("endpoint '" + idOrUid + "'"));
  }

  /** By id alone, for the dispatcher. */
  public Optional<Endpoint> findById(String id) {
    return db.reads().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM endpoint WHERE id = :id")
        .bind("id", id).map(MAPPER).findOne());
  }

  public List<Endpoint> list(String appId, PageRequest page) {
    return db.reads().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM endpoint WHERE "
            + page.scopedCondition("app_id", ":app", "id") + " ORDER BY " + page.scopedOrderBy("app_id", "id")
            + " LIMIT :limit")
        .bind("app", appId).bind("after", page.after()).bind("limit", page.limit() + 1)
        .map(MAPPER).list());
  }

  /** The enabled endpoints of an application, read inside the ingest transaction so fan-out sees every commit. */
  public static List<Endpoint> enabledIn(Handle h, String appId) {
    return h.createQuery("SELECT " + COLUMNS + " FROM endpoint WHERE app_id = :app AND disabled = 0")
        .bind("app", appId).map(MAPPER).list();
  }

  public Endpoint insert(Endpoint e) {
    return db.writes().execute(h -> {
      checkUid(h, e);
      h.createUpdate("INSERT INTO endpoint (" + COLUMNS + ") VALUES (:id, :appId, :uid, :url, :description, :version, "
              + ":disabled, :eventTypes, :channels, :throttleRate, :metadata, :headers, :secret, :oldSecrets, "
              + ":createdAt, :updatedAt, :ordering, :progress, :bodyFormat, :bodyTemplate, :bearerToken, "
              + ":headerTemplates)")
          .bindMap(params(e))
          .execute();
      return e;
    });
  }

  public Endpoint update(Endpoint e) {
    return db.writes().execute(h -> {
      checkUid(h, e);
      int n = h.createUpdate("UPDATE endpoint SET uid = :uid, url = :url, description = :description, "
              + "version = :version, disabled = :disabled, event_types = :eventTypes, channels = :channels, "
              + "throttle_rate = :throttleRate, metadata = :metadata, headers = :headers, secret = :secret, "
              + "old_secrets = :oldSecrets, updated_at = :updatedAt, ordering = :ordering, progress = :progress, "
              + "body_format = :bodyFormat, body_template = :bodyTemplate, bearer_token = :bearerToken, "
              + "header_templates = :headerTemplates WHERE id = :id")
          .bindMap(params(e))
          .execute();
      if (n == 0) {
        throw ApiException.notFound("endpoint '" + e.id() + "'");
      }
      return e;
    });
  }

  /** Disables an endpoint (a 410 Gone answer); returns whether it was enabled. */
  public static boolean disable(Handle h, String id, long now) {
    return h.createUpdate("UPDATE endpoint SET disabled = 1, updated_at = :now WHERE id = :id AND disabled = 0")
        .bind("id", id).bind("now", now).execute() > 0;
  }

  /**
   * Deletes the endpoint with its deliveries and attempts, in one transaction. Explicit because PostgreSQL keeps no
   * foreign keys on the per-delivery tables (postgresql/V7); on SQLite the cascade then finds nothing left.
   */
  public void delete(String id) {
    db.writes().execute(h -> {
      h.execute("DELETE FROM attempt WHERE endpoint_id = ?", id);
      h.execute("DELETE FROM delivery WHERE endpoint_id = ?", id);
      return h.execute("DELETE FROM endpoint WHERE id = ?", id);
    });
  }

  /** Delivery counts by status, for {@code GET .../stats}. */
  public Map<Integer, Long> statusCounts(String endpointId) {
    return db.reads().withHandle(h -> h.createQuery(
            "SELECT status, COUNT(*) AS n FROM delivery WHERE endpoint_id = :id GROUP BY status")
        .bind("id", endpointId)
        .reduceRows(new java.util.HashMap<Integer, Long>(), (acc, row) -> {
          acc.put(row.getColumn("status", Integer.class), row.getColumn("n", Long.class));
          return acc;
        }));
  }

  private static void checkUid(Handle h, Endpoint e) {
    if (e.uid() == null) {
      return;
    }
    boolean taken = h.createQuery("SELECT 1 FROM endpoint WHERE app_id = :app AND uid = :uid AND id <> :id")
        .bind("app", e.appId()).bind("uid", e.uid()).bind("id", e.id()).mapTo(Integer.class).findOne().isPresent();
    if (taken) {
      throw ApiException.conflict("an endpoint with uid '" + e.uid() + "' already exists in this application");
    }
  }

  private static Map<String, Object> params(Endpoint e) {
    Map<String, Object> p = new java.util.HashMap<>();
    p.put("id", e.id());
    p.put("appId", e.appId());
    p.put("uid", e.uid());
    p.put("url", e.url());
    p.put("description", e.description());
    p.put("version", e.version());
    p.put("disabled", e.disabled() ? 1 : 0); // 0/1 integers on both engines
    p.put("eventTypes", e.eventTypes() == null ? null : Json.text(Json.MAPPER.valueToTree(e.eventTypes())));
    p.put("channels", e.channels() == null ? null : Json.text(Json.MAPPER.valueToTree(e.channels())));
    p.put("throttleRate", e.throttleRate());
    p.put("metadata", e.metadata());
    p.put("headers", Json.text(Json.MAPPER.valueToTree(e.headers())));
    p.put("secret", e.secret());
    p.put("oldSecrets", Json.text(Json.MAPPER.valueToTree(e.oldSecrets())));
    p.put("createdAt", e.createdAt());
    p.put("updatedAt", e.updatedAt());
    p.put("ordering", e.ordering().wireName);
    p.put("progress", e.progress().wireName);
    p.put("bodyFormat", e.wire().bodyFormat().wireName);
    p.put("bodyTemplate", e.wire().bodyTemplate());
    p.put("bearerToken", e.wire().bearerToken());
    p.put("headerTemplates", Json.text(Json.MAPPER.valueToTree(e.wire().headerTemplates())));
    return p;
  }

  private static <T> T read(String json, TypeReference<T> type) {
    if (json == null) {
      return null;
    }
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored endpoint JSON is unreadable", e);
    }
  }
}
