package io.herald.server.delivery;

import io.herald.server.testing.TestPostgres;
import java.util.Map;

class PostgresStoreContractTest extends StoreContract {
  @Override
  Map<String, String> store() {
    return TestPostgres.freshDatabase();
  }
}
