package io.herald.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreContractTest extends StoreContract {
  @TempDir Path dir;

  @Override
  Map<String, String> store() {
    return Map.of("HERALD_DATA_DIR", dir.toString());
  }

  /**
   * The statements that run on a timer go through an index: a scan of the delivery table in the single writer
   * stalls every commit behind it (the lease renewal's scan was a 24-43 ms stall every 10 s in the benchmark).
   */
  @Test
  void periodic_statements_do_not_scan_the_delivery_table() {
    String plan = db.reads().withHandle(h -> String.join("; ", h.createQuery("EXPLAIN QUERY PLAN "
            + LeaseRenewer.RENEW.replace(":lease", "1").replace(":token", "'node_x'"))
        .map((rs, ctx) -> rs.getString("detail")).list()));
    assertThat(plan).contains("USING INDEX delivery_claim").doesNotContain("SCAN delivery");
  }
}
