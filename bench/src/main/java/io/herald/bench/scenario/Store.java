package io.herald.bench.scenario;

/** Where Herald keeps its queue in a scenario. */
public enum Store {
  EMBEDDED("embedded"),
  POSTGRES("postgres");

  public final String label;

  Store(String label) {
    this.label = label;
  }
}
