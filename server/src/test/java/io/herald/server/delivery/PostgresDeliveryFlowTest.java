package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.server.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every delivery flow of {@link DeliveryFlowTest}, on PostgreSQL, and what only PostgreSQL allows. */
class PostgresDeliveryFlowTest extends DeliveryFlowTest {
  private String databaseUrl;

  @Override
  protected Map<String, String> storeSettings() {
    Map<String, String> store = TestPostgres.freshDatabase();
    databaseUrl = store.get("HERALD_DATABASE_URL");
    return store;
  }

  /**
   * The per-delivery tables have no foreign keys here (postgresql/V7), so a process whose endpoint cache is a moment
   * old can still add a delivery to an endpoint another process just deleted. The dispatcher removes it unsent.
   */
  @Test
  void a_delivery_added_after_its_endpoint_was_deleted_is_removed_without_an_attempt() throws Exception {
    String ep = endpoint("/deleted", "");
    String msgId = herald.post("/api/v1/app/acme/msg", "{\"eventType\":\"a\",\"payload\":{}}").field("id");
    receiver.awaitCount(1, Duration.ofSeconds(10));
    assertThat(herald.delete("/api/v1/app/acme/endpoint/" + ep).status()).isEqualTo(204);
    assertThat(deliveriesTo(ep)).as("the deletion took the endpoint's deliveries").isZero();

    long now = System.currentTimeMillis();
    try (Connection c = DriverManager.getConnection(databaseUrl);
        PreparedStatement late = c.prepareStatement("INSERT INTO delivery (msg_id, endpoint_id, app_id, status, "
            + "next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)")) {
      late.setString(1, msgId);
      late.setString(2, ep);
      late.setString(3, app);
      late.setLong(4, now);
      late.setLong(5, now);
      late.setLong(6, now);
      late.executeUpdate();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> deliveriesTo(ep) == 0);
    assertThat(receiver.requests()).hasSize(1);
    assertThat(herald.get("/api/v1/app/acme/msg/" + msgId + "/endpoint").json().path("data")).isEmpty();
  }

  private long deliveriesTo(String endpointId) throws SQLException {
    try (Connection c = DriverManager.getConnection(databaseUrl);
        PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM delivery WHERE endpoint_id = ?")) {
      q.setString(1, endpointId);
      try (ResultSet r = q.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }
}
