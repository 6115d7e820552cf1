package io.herald.receiver;

/**
 * Remembers which {@code webhook-id}s were already received, so that retries are processed once.
 *
 * <p>Herald keeps the {@code webhook-id} of a delivery stable across its retries, so it is the key. Keep ids at least
 * as long as the sender keeps retrying one delivery. Two implementations ship: {@link InMemoryDedupeStore}
 * (one process) and {@link JdbcDedupeStore} (shared by every instance of your service).
 *
 * <p>Writing your own takes two methods. A Redis store, for example, is {@code SET key 1 NX EX ttl}, which is atomic:
 *
 * <pre>{@code
 * DedupeStore redis = new DedupeStore() {
 *   public boolean firstSeen(String webhookId) {
 *     // Jedis; with Lettuce: commands.set(key, "1", SetArgs.Builder.nx().ex(ttl))
 *     return "OK".equals(jedis.set("herald:seen:" + webhookId, "1", SetParams.setParams().nx().ex(3 * 86400)));
 *   }
 *
 *   public void forget(String webhookId) {
 *     jedis.del("herald:seen:" + webhookId);
 *   }
 * };
 * }</pre>
 *
 * <p>Do not implement it as "GET, then SET if absent": two deliveries racing between the two calls both pass.
 *
 * @since 0.1
 */
public interface DedupeStore {

  /**
   * Atomically marks {@code webhookId} as seen if it was not, and tells whether it was not.
   *
   * @return true the first time an id is seen; false for a duplicate (also under concurrent calls: exactly one of
   *     several simultaneous calls with one id returns true)
   * @throws StoreException if the storage fails; the id is then not marked
   */
  boolean firstSeen(String webhookId);

  /**
   * Removes the mark, so the next delivery of {@code webhookId} is processed again. Call it when your handler fails
   * after {@link #firstSeen} returned true, so that Herald's retry is not dropped as a duplicate (or call
   * {@link WebhookReceiver#forget(ReceiveResult.Accepted)}, which also undoes the ordering step).
   *
   * @throws StoreException if the storage fails
   */
  void forget(String webhookId);
}
