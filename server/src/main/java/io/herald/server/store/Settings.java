package io.herald.server.store;

import java.util.Optional;

/** Small named values the server keeps about itself (e.g. the admin key's hash). */
public final class Settings {
  private final Database db;

  public Settings(Database db) {
    this.db = db;
  }

  public Optional<String> get(String name) {
    return db.reads().withHandle(h -> h.createQuery("SELECT value FROM setting WHERE name = :name")
        .bind("name", name)
        .mapTo(String.class)
        .findOne());
  }

  public void put(String name, String value) {
    db.writes().execute(h -> h.createUpdate("""
            INSERT INTO setting (name, value) VALUES (:name, :value)
            ON CONFLICT (name) DO UPDATE SET value = excluded.value""")
        .bind("name", name)
        .bind("value", value)
        .execute());
  }
}
