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

  /**
   * The union's parts are co-routines {@code t} and {@code f}, each scanned and sorted once more for the merge (at
   * most a page of rows each): those two scans and two sorts are the only ones allowed.
   */
  @Override
  void assertReadsEachPart(String plan, boolean inOrder, String... indexes) {
    for (String index : indexes) {
      assertThat(plan).contains("INDEX " + index);
    }
    List<String> lines = plan.lines().toList();
    assertThat(lines.stream().filter(l -> l.contains("SCAN "))).containsExactly("SCAN t", "SCAN f");
    if (inOrder) {
      assertThat(lines.stream().filter(l -> l.contains("TEMP B-TREE")))
          .containsExactly("USE TEMP B-TREE FOR ORDER BY", "USE TEMP B-TREE FOR ORDER BY");
    }
  }

  @Override
  String deliveryKey() {
    return "sqlite_autoindex_delivery_1";
  }
}
