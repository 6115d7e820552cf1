package io.herald.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.io.TempDir;

class SqliteListPlanTest extends ListPlanContract {
  @TempDir Path dir;

  @Override
  Map<String, String> store() {
    return Map.of("HERALD_DATA_DIR", dir.toString());
  }

  @Override
  List<String> plan(Handle h, String sql, Map<String, Object> values) {
    return h.createQuery("EXPLAIN QUERY PLAN " + sql).bindMap(values).map((rs, ctx) -> rs.getString("detail")).list();
  }

  @Override
  void assertReadsOneIndexRange(String plan, boolean inOrder) {
    assertThat(plan).contains("SEARCH").contains("INDEX").doesNotContain("SCAN ");
    if (inOrder) {
      assertThat(plan).doesNotContain("TEMP B-TREE");
    }
  }

  @Override
  void assertUsesIndex(String plan, String index) {
    assertThat(plan).contains("INDEX " + index).doesNotContain("SCAN ");
  }
}
