package io.herald.server.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

class SqliteStoreContractTest extends StoreContract {
  @Override
  Map<String, String> store() {
    try {
      return Map.of("HERALD_DATA_DIR", Files.createTempDirectory("herald-contract-").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
