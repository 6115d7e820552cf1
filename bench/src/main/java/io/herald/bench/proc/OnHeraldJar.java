package io.herald.bench.proc;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.server.config.ConfigLoader;
import io.herald.server.store.Database;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;

/**
 * A harness class run in a JVM of its own on herald.jar and the harness's classes, writing to a store with Herald's own
 * code (the store floor, S9's history), so that the harness's JVM loads none of Herald. The child prints its result as
 * one line of JSON.
 */
public final class OnHeraldJar {
  private OnHeraldJar() {}

  /** Runs {@code main} with {@code args} in {@code dir} and returns the last output line starting with {@code prefix}. */
  public static Map<String, Object> run(Path heraldJar, Path dir, Class<?> main, String prefix, List<String> args)
      throws IOException {
    String classes = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> e.endsWith("classes")).map(e -> Path.of(e).toAbsolutePath().toString())
        .findFirst().orElseThrow();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", heraldJar.toAbsolutePath() + File.pathSeparator + classes, main.getName()));
    command.addAll(args);
    String out = Proc.output(dir, command);
    String line = out.lines().filter(l -> l.startsWith(prefix)).reduce((a, b) -> b)
        .orElseThrow(() -> new IOException(main.getSimpleName() + " printed no result:\n" + out));
    return new LinkedHashMap<>(new ObjectMapper().readValue(line, new TypeReference<>() {}));
  }

  /** In the child: Herald's store at {@code store} (a data directory or a PostgreSQL JDBC URL), migrated. */
  public static Database open(String store) {
    Map<String, String> settings = store.startsWith("jdbc:") ? Map.of("HERALD_DATABASE_URL", store)
        : Map.of("HERALD_DATA_DIR", store);
    return Database.open(ConfigLoader.load(settings));
  }

  /** In the child: application {@code app} with endpoint {@code endpoint}, written directly (no API). */
  public static void endpoint(Handle h, String app, String endpoint) {
    h.useTransaction(t -> {
      t.execute("INSERT INTO application (id, name, created_at, updated_at) VALUES (?, ?, 0, 0)", app, app);
      t.execute("INSERT INTO endpoint (id, app_id, url, secret, created_at, updated_at) "
          + "VALUES (?, ?, 'http://127.0.0.1:9/hook', ?, 0, 0)", endpoint, app, "whsec_" + app);
    });
  }
}
