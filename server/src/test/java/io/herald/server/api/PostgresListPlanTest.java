package io.herald.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.testing.TestPostgres;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

class PostgresListPlanTest extends ListPlanContract {
  @Override
  Map<String, String> store() {
    return TestPostgres.freshDatabase();
  }

  /** The plan as run, so that it says how many rows a filter removed. */
  @Override
  List<String> plan(Handle h, String sql, Map<String, Object> values) {
    return h.createQuery("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql).bindMap(values).mapTo(String.class).list();
  }

  @Override
  void assertReadsOneIndexRange(String plan, boolean inOrder) {
    assertThat(plan).contains("Index").doesNotContain("Rows Removed by Filter").doesNotContain("Seq Scan");
    if (inOrder) {
      assertThat(plan).doesNotContain("Sort");
    }
  }

  @Override
  void assertUsesIndex(String plan, String index) {
    assertThat(plan).contains("using " + index).doesNotContain("Seq Scan");
  }
}
