package io.herald.bench.proc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** S8's naive db-scheduler server as a separate JVM, like Herald, so its CPU and memory are its own. */
public final class NaiveProcess extends JavaProcess {
  private static final Pattern READY = Pattern.compile("naive listening on (\\d+)");
  private final int port;

  public NaiveProcess(String jdbcUrl, String sinkUrl, String secret, Path log) throws IOException {
    super("naive", java(List.of("-cp", System.getProperty("java.class.path"), "io.herald.bench.naive.NaiveMain",
        jdbcUrl, sinkUrl, secret, Long.toString(3 * 3600))), Map.of(), log);
    port = Integer.parseInt(awaitLine(READY, 90_000));
  }

  public int port() {
    return port;
  }
}
