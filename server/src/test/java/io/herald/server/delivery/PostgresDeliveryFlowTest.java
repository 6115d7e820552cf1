package io.herald.server.delivery;

import io.herald.server.testing.TestPostgres;
import java.util.Map;

/** Every delivery flow of {@link DeliveryFlowTest}, on PostgreSQL. */
class PostgresDeliveryFlowTest extends DeliveryFlowTest {
  @Override
  protected Map<String, String> storeSettings() {
    return TestPostgres.freshDatabase();
  }
}
