package io.herald.server.subject;

import io.herald.server.testing.TestPostgres;
import java.util.Map;

/** Every test of {@link SubjectApiTest}, on PostgreSQL. */
class PostgresSubjectApiTest extends SubjectApiTest {
  @Override
  protected Map<String, String> store() {
    return TestPostgres.freshDatabase();
  }
}
