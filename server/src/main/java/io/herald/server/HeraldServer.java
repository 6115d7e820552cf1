package io.herald.server;

import io.herald.server.api.ApiKeys;
import io.herald.server.api.ApiServer;
import io.herald.server.api.Idempotency;
import io.herald.server.application.ApplicationRepository;
import io.herald.server.application.ApplicationRoutes;
import io.herald.server.config.HeraldConfig;
import io.herald.server.delivery.AttemptRepository;
import io.herald.server.delivery.AttemptRoutes;
import io.herald.server.delivery.DeliveryRepository;
import io.herald.server.delivery.Dispatcher;
import io.herald.server.delivery.EndpointCache;
import io.herald.server.delivery.HttpSender;
import io.herald.server.delivery.Notifier;
import io.herald.server.delivery.Retention;
import io.herald.server.delivery.RetryPolicy;
import io.herald.server.endpoint.EndpointRepository;
import io.herald.server.endpoint.EndpointRoutes;
import io.herald.server.eventtype.EventTypeRepository;
import io.herald.server.eventtype.EventTypeRoutes;
import io.herald.server.message.FanOut;
import io.herald.server.message.Ingest;
import io.herald.server.message.MessageRepository;
import io.herald.server.message.MessageRoutes;
import io.herald.server.store.Database;
import io.herald.server.store.Settings;
import io.herald.server.subject.SubjectRepository;
import io.herald.server.subject.SubjectRoutes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the whole server from a configuration with plain constructors, starts it, and stops it in reverse order.
 * Tests start it in-process on port 0; {@code herald serve} starts it from the command line.
 */
public final class HeraldServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HeraldServer.class);
  private static final Duration RETENTION_EVERY = Duration.ofMinutes(10);
  /**
   * The first retention pass waits this long after start: a start has its own work first (a restart's backlog, claims
   * to recover, the JIT's first minute), and a pass over a month of history is never urgent.
   */
  private static final Duration RETENTION_FIRST_AFTER = Duration.ofMinutes(1);

  private final Database db;
  private final HttpSender sender;
  private final Dispatcher dispatcher;
  private final FanOut fanOut;
  private final Notifier notifier;
  private final Retention retention;
  private final ApiServer api;

  private HeraldServer(Database db, HttpSender sender, Dispatcher dispatcher, FanOut fanOut, Notifier notifier,
      Retention retention, ApiServer api) {
    this.db = db;
    this.sender = sender;
    this.dispatcher = dispatcher;
    this.fanOut = fanOut;
    this.notifier = notifier;
    this.retention = retention;
    this.api = api;
  }

  /**
   * Opens the store, releases claims a previous process left (embedded store only), and starts delivering and
   * serving.
   *
   * @param announceKey receives a generated admin key on first start, the only time it exists in clear
   */
  public static HeraldServer start(HeraldConfig config, Clock clock, Consumer<String> announceKey) {
    Database db = Database.open(config);
    try {
      ApiKeys keys = ApiKeys.init(config.apiKey(), new Settings(db), announceKey);
      ApplicationRepository apps = new ApplicationRepository(db, config.embeddedStore() ? 60_000 : 1_000);
      EndpointRepository endpoints = new EndpointRepository(db);
      MessageRepository messages = new MessageRepository(db);
      DeliveryRepository deliveries = new DeliveryRepository(db);
      // One process owns the embedded store, so its cache is exact; with PostgreSQL other processes change endpoints
      // too, and a short expiry bounds how stale this one's view gets.
      EndpointCache endpointCache = new EndpointCache(endpoints, clock, config.embeddedStore() ? 60_000 : 1_000);
      HttpSender sender = new HttpSender(config.addressPolicy(), config.connectTimeout(), config.deliveryTimeout(),
          config.responseBodyLimitBytes(), "Herald/" + Version.VALUE, clock, config.maxInFlight());
      Dispatcher dispatcher = new Dispatcher(db, deliveries, endpointCache, sender,
          new RetryPolicy(config.retrySchedule(), () -> ThreadLocalRandom.current().nextDouble()), clock,
          new Dispatcher.Settings(config.headerStyle(), config.deliveryTimeout(), config.lease(),
              config.pollInterval(), config.maxInFlight(), config.maxInFlightPerEndpoint()));
      if (config.embeddedStore()) {
        int released = deliveries.releaseAllClaims();
        if (released > 0) {
          log.info("{} deliveries claimed by a previous run are due again", released);
        }
      }
      Notifier notifier = new Notifier(db);
      Retention retention = new Retention(db, clock, Duration.ofDays(config.retentionDays()), RETENTION_FIRST_AFTER,
          RETENTION_EVERY);
      FanOut fanOut = new FanOut(db, dispatcher, notifier, endpointCache, clock, config.embeddedStore());
      Ingest ingest = new Ingest(db, dispatcher, notifier, endpointCache, fanOut, clock);
      MessageRoutes messageRoutes = new MessageRoutes(apps, messages, ingest, clock);
      ApiServer api = new ApiServer(config.host(), config.port(), config.maxRequestBytes(), keys,
          new Idempotency(db, clock), () -> healthy(db), List.of(
              new ApplicationRoutes(apps, clock)::register,
              new EventTypeRoutes(new EventTypeRepository(db), clock)::register,
              new EndpointRoutes(apps, endpoints, config.addressPolicy(), clock, endpointCache::invalidate)::register,
              messageRoutes::register,
              new SubjectRoutes(apps, new SubjectRepository(db), clock)::register,
              new AttemptRoutes(apps, endpoints, messages, new AttemptRepository(db), dispatcher, clock)::register),
          messageRoutes::accept);
      dispatcher.start();
      fanOut.start();
      notifier.listen(dispatcher::wake);
      retention.start();
      api.start();
      return new HeraldServer(db, sender, dispatcher, fanOut, notifier, retention, api);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  private static boolean healthy(Database db) {
    try {
      return db.reads().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
    } catch (RuntimeException e) {
      return false;
    }
  }

  public int port() {
    return api.port();
  }

  @Override
  public void close() {
    api.close();
    retention.close();
    notifier.close();
    fanOut.close();
    dispatcher.close();
    try {
      sender.close();
    } catch (Exception e) {
      log.warn("stopping the HTTP client: {}", e.getMessage());
    }
    db.close();
  }
}
