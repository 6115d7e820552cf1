package io.herald.server.wire;

import io.herald.server.testing.TestPostgres;
import java.util.Map;

/** Every test of {@link SiftrWireFormatTest}, on PostgreSQL. */
class PostgresSiftrWireFormatTest extends SiftrWireFormatTest {
  @Override
  protected Map<String, String> store() {
    return TestPostgres.freshDatabase();
  }
}
