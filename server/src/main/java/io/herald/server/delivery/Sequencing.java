package io.herald.server.delivery;

import io.herald.server.endpoint.Endpoint;
import io.herald.server.message.Message;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Ordered and latest-only delivery, per (endpoint, subject).
 *
 * <p>For an endpoint with {@code ordering: "subject"}, a subject's delivery is <em>parked</em> when an earlier
 * delivery of the same subject to that endpoint is still pending: it is written pending with no
 * {@code next_attempt_at}, so the claimer never sees it. When a delivery of a subject reaches a final state (success,
 * failure after its last retry, 410, skipped, abandoned), the same transaction releases the subject's parked delivery
 * with the lowest sequence by making it due now. So at most one delivery per (endpoint, subject) is ever in play,
 * while every other subject flows on its own: one failing subject never blocks the rest.
 *
 * <p>With {@code progress: "latest"}, a release first skips (status {@link #SKIPPED}) each parked progress event that
 * a newer parked event of the subject supersedes, and a progress event that fails while a newer one waits is skipped
 * instead of retried: a recovering receiver gets the newest state, not a replay of every percent.
 *
 * <p>On PostgreSQL a release and an ingest for the same subject could otherwise miss each other (READ COMMITTED: the
 * ingest sees the predecessor pending and parks, the release does not yet see the parked row). Both therefore take
 * the subject's row lock first: ingest by advancing its sequence, a release by {@link #lockSubject}.
 */
public final class Sequencing {
  /** Delivery status of a progress event skipped because a newer event superseded it (Svix's "canceled" notion). */
  public static final int SKIPPED = 4;

  private Sequencing() {}

  /** A delivery written at ingest; a parked one must not be handed to the dispatcher. */
  public record Inserted(long id, boolean parked) {}

  /**
   * Inserts the delivery of a message that has a subject, parked if {@code ep} delivers in order and the subject
   * already has a pending delivery to it, else due now (and claimed by {@code claimToken} when {@code leaseUntil} is
   * set).
   *
   * @param progress whether the message's event type is a progress type (latest-only may skip it)
   */
  public static Inserted insert(Handle h, Message msg, Endpoint ep, boolean progress, long now, Long leaseUntil,
      String claimToken) {
    boolean parked = ep.ordering() == Endpoint.Ordering.SUBJECT && hasPending(h, ep.id(), msg.subject());
    Long lease = parked ? null : leaseUntil;
    long id = h.createUpdate("""
            INSERT INTO delivery (msg_id, endpoint_id, app_id, status, attempts, manual, next_attempt_at,
                                  lease_until, claim_token, created_at, updated_at, subject, sequence, progress)
            VALUES (:msg, :ep, :app, 1, 0, 0, :next, :lease, :token, :now, :now, :subject, :sequence, :progress)""")
        .bind("msg", msg.id()).bind("ep", ep.id()).bind("app", msg.appId()).bind("now", now)
        .bind("next", parked ? null : (Long) now).bind("lease", lease).bind("token", lease == null ? null : claimToken)
        .bind("subject", msg.subject()).bind("sequence", msg.sequence()).bind("progress", progress ? 1 : 0)
        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    return new Inserted(id, parked);
  }

  /**
   * After an attempt of {@code task} was recorded (by this process: the caller checked the claim fence). A retry
   * normally keeps the delivery in play; with latest-only, a failed progress event that a newer event of its subject
   * waits behind is skipped instead. A final outcome releases the subject's next delivery.
   *
   * @return whether a delivery was released (the dispatcher should look for due work)
   */
  static boolean afterAttempt(Handle h, DeliveryTask task, boolean retryScheduled, long now) {
    if (task.subject() == null) {
      return false;
    }
    if (retryScheduled) {
      int skipped = h.createUpdate("""
              UPDATE delivery SET status = 4, next_attempt_at = NULL, updated_at = :now
              WHERE id = :id AND status = 1 AND progress = 1 AND lease_until IS NULL
                AND EXISTS (SELECT 1 FROM endpoint WHERE id = :ep AND progress = 'latest')
                AND EXISTS (SELECT 1 FROM delivery n WHERE n.endpoint_id = :ep AND n.subject = :subject
                              AND n.status = 1 AND n.sequence > :sequence)""")
          .bind("now", now).bind("id", task.id()).bind("ep", task.endpointId()).bind("subject", task.subject())
          .bind("sequence", task.sequence())
          .execute();
      if (skipped == 0) {
        return false;
      }
    }
    return releaseNext(h, task.appId(), task.endpointId(), task.subject(), now);
  }

  /**
   * Releases the subject's next parked delivery to the endpoint, unless one of its deliveries is still in play.
   * Safe to call after any change: it decides from the rows, not from what the caller believes.
   */
  public static boolean releaseNext(Handle h, String appId, String endpointId, String subject, long now) {
    lockSubject(h, appId, subject);
    boolean inPlay = h.createQuery("""
            SELECT 1 FROM delivery WHERE endpoint_id = :ep AND subject = :subject AND status = 1
                                     AND next_attempt_at IS NOT NULL LIMIT 1""")
        .bind("ep", endpointId).bind("subject", subject).mapTo(Integer.class).findOne().isPresent();
    if (inPlay) {
      return false;
    }
    h.createUpdate("""
            UPDATE delivery SET status = 4, updated_at = :now
            WHERE endpoint_id = :ep AND subject = :subject AND status = 1 AND next_attempt_at IS NULL AND progress = 1
              AND EXISTS (SELECT 1 FROM endpoint WHERE id = :ep AND progress = 'latest')
              AND sequence < (SELECT MAX(sequence) FROM delivery
                              WHERE endpoint_id = :ep AND subject = :subject AND status = 1)""")
        .bind("now", now).bind("ep", endpointId).bind("subject", subject).execute();
    return h.createUpdate("""
            UPDATE delivery SET next_attempt_at = :now, updated_at = :now
            WHERE id = (SELECT id FROM delivery
                        WHERE endpoint_id = :ep AND subject = :subject AND status = 1 AND next_attempt_at IS NULL
                        ORDER BY sequence LIMIT 1)""")
        .bind("now", now).bind("ep", endpointId).bind("subject", subject).execute() == 1;
  }

  /**
   * Ends the pending deliveries of a message whose content was deleted (nothing is left to send) and releases what
   * waited behind them. Deliveries a process holds right now are left to finish.
   */
  public static void failUnsent(Handle h, String msgId, long now) {
    List<Map<String, Object>> ended = h.createQuery("""
            UPDATE delivery SET status = 2, next_attempt_at = NULL, updated_at = :now
            WHERE msg_id = :msg AND status = 1 AND lease_until IS NULL
            RETURNING app_id, endpoint_id, subject""")
        .bind("now", now).bind("msg", msgId).mapToMap().list();
    for (Map<String, Object> row : ended) {
      if (row.get("subject") != null) {
        releaseNext(h, (String) row.get("app_id"), (String) row.get("endpoint_id"), (String) row.get("subject"), now);
      }
    }
  }

  /**
   * After a recovery made failed deliveries of an ordered endpoint due again: parks each pending delivery of
   * {@code subjects} (those the recovery touched) that has an earlier pending delivery of its subject, so the recovered
   * messages go out in sequence, one at a time, as they first would have. Subjects the recovery did not touch gained
   * no pending delivery, so they are left alone: a large recovery in chunks does not walk the whole backlog again for
   * each chunk.
   */
  static void parkRecovered(Handle h, String endpointId, Collection<String> subjects) {
    if (subjects.isEmpty()) {
      return;
    }
    h.createUpdate("""
            UPDATE delivery SET next_attempt_at = NULL
            WHERE endpoint_id = :ep AND subject IN (<subjects>) AND status = 1 AND lease_until IS NULL
              AND EXISTS (SELECT 1 FROM delivery p WHERE p.endpoint_id = :ep AND p.subject = delivery.subject
                            AND p.status = 1 AND p.sequence < delivery.sequence)""")
        .bind("ep", endpointId).bindList("subjects", List.copyOf(subjects)).execute();
  }

  private static boolean hasPending(Handle h, String endpointId, String subject) {
    return h.createQuery("SELECT 1 FROM delivery WHERE endpoint_id = :ep AND subject = :subject AND status = 1 LIMIT 1")
        .bind("ep", endpointId).bind("subject", subject).mapTo(Integer.class).findOne().isPresent();
  }

  /**
   * Takes the subject's row lock for the rest of the transaction (see the class comment). A no-op UPDATE because
   * SQLite has no SELECT ... FOR UPDATE; there the single writer serializes everything anyway.
   */
  private static void lockSubject(Handle h, String appId, String subject) {
    h.createUpdate("UPDATE subject SET last_sequence = last_sequence WHERE app_id = :app AND id = :id")
        .bind("app", appId).bind("id", subject).execute();
  }
}
