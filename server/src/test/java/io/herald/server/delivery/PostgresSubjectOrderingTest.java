package io.herald.server.delivery;

import io.herald.server.testing.TestPostgres;
import java.util.Map;

/** Every test of {@link SubjectOrderingTest}, on PostgreSQL. */
class PostgresSubjectOrderingTest extends SubjectOrderingTest {
  @Override
  protected Map<String, String> store() {
    return TestPostgres.freshDatabase();
  }
}
