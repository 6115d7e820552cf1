package io.herald.server.store;

/**
 * What differs between the embedded store (SQLite) and PostgreSQL. Repositories write one SQL text and ask the
 * dialect only for the few fragments that cannot be portable.
 */
public enum Dialect {
  SQLITE("db/migration/sqlite", "", ""),
  POSTGRES("db/migration/postgresql", " FOR UPDATE OF d SKIP LOCKED", " FOR UPDATE SKIP LOCKED");

  /** Where this engine's Flyway migrations live. */
  public final String migrations;

  /**
   * Appended to the select that picks due deliveries (the delivery table is aliased {@code d}). PostgreSQL needs
   * SKIP LOCKED so that concurrent processes claim disjoint rows without waiting on each other, and locks only the
   * delivery rows, not the messages joined to them; SQLite has a single writer, so the clause does not exist.
   */
  public final String claimLock;

  /**
   * Appended to a select of one row that a process works on for the rest of its transaction (a pending fan-out):
   * on PostgreSQL a second process skips it instead of waiting, or doing the same work twice.
   */
  public final String rowLock;

  Dialect(String migrations, String claimLock, String rowLock) {
    this.migrations = migrations;
    this.claimLock = claimLock;
    this.rowLock = rowLock;
  }
}
