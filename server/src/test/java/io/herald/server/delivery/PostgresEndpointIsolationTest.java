package io.herald.server.delivery;

import io.herald.server.testing.TestPostgres;
import java.util.Map;

/** {@link EndpointIsolationTest} on PostgreSQL, where claims lock rows with SKIP LOCKED. */
class PostgresEndpointIsolationTest extends EndpointIsolationTest {
  @Override
  protected Map<String, String> storeSettings() {
    return TestPostgres.freshDatabase();
  }
}
