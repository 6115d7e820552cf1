package io.herald.server.store;

/**
 * What differs between the embedded store (SQLite) and PostgreSQL. Repositories write one SQL text and ask the
 * dialect only for the few fragments that cannot be portable.
 */
public enum Dialect {
  SQLITE("db/migration/sqlite", ""),
  POSTGRES("db/migration/postgresql", " FOR UPDATE SKIP LOCKED");

  /** Where this engine's Flyway migrations live. */
  public final String migrations;

  /**
   * Appended to the sub-select that picks due deliveries. PostgreSQL needs SKIP LOCKED so that concurrent processes
   * claim disjoint rows without waiting on each other; SQLite has a single writer, so the clause does not exist.
   */
  public final String skipLocked;

  Dialect(String migrations, String skipLocked) {
    this.migrations = migrations;
    this.skipLocked = skipLocked;
  }
}
