package io.herald.bench;

import io.herald.bench.proc.HeraldProcess;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Herald settings every benchmark process shares, as printed in the report (the key masked). */
final class HeraldSettings {
  private HeraldSettings() {}

  static Map<String, String> shown() {
    Map<String, String> m = new LinkedHashMap<>(HeraldProcess.baseSettings());
    m.put("HERALD_API_KEY", "(fixed bench key)");
    return m;
  }
}
