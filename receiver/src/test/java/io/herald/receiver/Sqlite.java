package io.herald.receiver;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** A real SQLite database in a file; every getConnection() opens a new connection, as a pool would hand out. */
final class Sqlite {
  private Sqlite() {}

  static DataSource fileDatabase(Path directory) {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(30_000);
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    SQLiteDataSource dataSource = new SQLiteDataSource(config);
    dataSource.setUrl("jdbc:sqlite:" + directory.resolve("receiver-test.db"));
    return dataSource;
  }
}
