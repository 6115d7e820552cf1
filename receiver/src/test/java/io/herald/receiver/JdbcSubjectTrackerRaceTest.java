package io.herald.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite serializes writers, so two first messages of a subject never race to INSERT there. This test stages that
 * race (what PostgreSQL or MySQL produce) deterministically: just before the tracker's INSERT runs, a "competitor"
 * commits a row for the same subject, and the INSERT fails with SQLState 23505.
 */
class JdbcSubjectTrackerRaceTest {
  @TempDir Path directory;
  final AtomicInteger staged = new AtomicInteger();

  @Test
  void a_lost_insert_race_is_retried_and_decided_against_the_winners_row() {
    SubjectTracker tracker = new JdbcSubjectTracker(racing(Sqlite.fileDatabase(directory), 3), "subjects");
    assertThat(tracker.observe("order-1", 2, false)).isEqualTo(Decision.STALE);
    assertThat(staged).hasValue(1);
    assertThat(tracker.observe("order-1", 4, false)).isEqualTo(Decision.ACCEPT);
  }

  @Test
  void a_lost_race_against_a_lower_sequence_still_accepts_via_the_update() {
    SubjectTracker tracker = new JdbcSubjectTracker(racing(Sqlite.fileDatabase(directory), 1), "subjects");
    assertThat(tracker.observe("order-1", 2, false)).isEqualTo(Decision.ACCEPT);
    assertThat(staged).hasValue(1);
    assertThat(tracker.observe("order-1", 2, false)).isEqualTo(Decision.DUPLICATE);
  }

  /** Wraps a DataSource so the first INSERT loses a race against a competitor's committed row. */
  private DataSource racing(DataSource real, long competitorSequence) {
    return proxy(DataSource.class, real, (target, method, args) -> {
      Object result = method.invoke(target, args);
      if (!method.getName().equals("getConnection")) {
        return result;
      }
      Connection connection = (Connection) result;
      return proxy(Connection.class, connection, (c, m, a) -> {
        Object inner = m.invoke(c, a);
        if (!m.getName().equals("prepareStatement") || !((String) a[0]).startsWith("INSERT INTO")) {
          return inner;
        }
        return proxy(PreparedStatement.class, (PreparedStatement) inner, (ps, pm, pa) -> {
          if (pm.getName().equals("executeUpdate") && staged.getAndIncrement() == 0) {
            try (Statement competitor = connection.createStatement()) {
              competitor.executeUpdate("INSERT INTO subjects VALUES ('order-1', " + competitorSequence + ", 0, 0, 0, 0)");
            }
            connection.commit();
            throw new SQLException("duplicate key value violates unique constraint", "23505");
          }
          return pm.invoke(ps, pa);
        });
      });
    });
  }

  interface Handler<T> {
    Object handle(T target, Method method, Object[] args) throws Throwable;
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, T target, Handler<T> handler) {
    InvocationHandler unwrapping = (p, method, args) -> {
      try {
        return handler.handle(target, method, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, unwrapping);
  }
}
