package io.herald.server.delivery;

import io.herald.server.testing.TestPostgres;
import java.util.Map;

/** Every test of {@link LatestProgressTest}, on PostgreSQL. */
class PostgresLatestProgressTest extends LatestProgressTest {
  @Override
  protected Map<String, String> store() {
    return TestPostgres.freshDatabase();
  }
}
