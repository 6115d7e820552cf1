package io.herald.server.subject;

import io.herald.server.api.ApiException;
import io.herald.server.api.Body;
import io.herald.server.api.Input;
import io.herald.server.api.Json;
import io.herald.server.api.ListResponse;
import io.herald.server.api.PageRequest;
import io.herald.server.api.Respond;
import io.herald.server.application.Application;
import io.herald.server.application.ApplicationRepository;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Set;

/** {@code /api/v1/app/{app}/subject}: the things series of messages are about, their metadata and state. */
public final class SubjectRoutes {
  static final int MAX_METADATA_BYTES = 65_536;
  private static final Set<String> STATES = Set.of(Subject.OPEN, Subject.COMPLETED, Subject.FAILED);

  private final ApplicationRepository apps;
  private final SubjectRepository subjects;
  private final Clock clock;

  public SubjectRoutes(ApplicationRepository apps, SubjectRepository subjects, Clock clock) {
    this.apps = apps;
    this.subjects = subjects;
    this.clock = clock;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/v1/app/{app}/subject", this::list);
    routes.get("/api/v1/app/{app}/subject/{subject}", this::get);
    routes.put("/api/v1/app/{app}/subject/{subject}", this::put);
  }

  private void list(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    PageRequest page = PageRequest.from(ctx, false);
    String state = ctx.queryParam("state");
    if (state != null && !STATES.contains(state)) {
      throw ApiException.validation("state", "must be open, completed or failed");
    }
    Respond.json(ctx, 200,
        ListResponse.of(subjects.list(app.id(), page, state), page, Subject::id).map(Subject::toOut));
  }

  private void get(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    Respond.json(ctx, 200, subjects.require(app.id(), ctx.pathParam("subject")).toOut());
  }

  /** Creates the subject or replaces its metadata (201 when created). State and sequence are ingest's alone. */
  private void put(Context ctx) {
    Application app = apps.require(ctx.pathParam("app"));
    String id = SubjectIds.check("subject", ctx.pathParam("subject"));
    Input in = Input.of(Body.of(ctx));
    String metadata = Json.text(in.optionalObject("metadata").orElse(Json.MAPPER.createObjectNode()));
    if (metadata.length() > MAX_METADATA_BYTES) {
      throw ApiException.validation("metadata", "must be at most " + MAX_METADATA_BYTES + " bytes of JSON");
    }
    SubjectRepository.Saved saved = subjects.putMetadata(app.id(), id, metadata, clock.millis());
    Respond.json(ctx, saved.created() ? 201 : 200, saved.subject().toOut());
  }
}
