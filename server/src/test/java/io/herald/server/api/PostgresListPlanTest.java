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

  /**
   * Each part under its own Limit, reading an index ({@code Bitmap Index Scan on} counts: a message's few rows); in
   * order, a Merge Append of the parts and no Sort node (a Merge Append's own "Sort Key" line is not one).
   */
  @Override
  void assertReadsEachPart(String plan, boolean inOrder, String... indexes) {
    for (String index : indexes) {
      assertThat(plan).containsPattern("(using|Bitmap Index Scan on) " + index + " ");
    }
    assertThat(plan).doesNotContain("Seq Scan");
    assertThat(plan.lines().filter(l -> l.contains("Limit"))).as("the union's and each part's").hasSize(3);
    if (inOrder) {
      assertThat(plan).contains("Merge Append").doesNotContainPattern("Sort \\(actual")
          .doesNotContain("Rows Removed by Filter");
    }
  }

  @Override
  String deliveryKey() {
    return "delivery_msg_id_endpoint_id_key";
  }
}
