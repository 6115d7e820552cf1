package io.herald.bench.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Counts fsync/fdatasync calls in an {@code strace -f -y -ttt} log within a wall-clock window, by file. */
final class FsyncTrace {
  private static final Pattern CALL =
      Pattern.compile("^\\d+\\s+(\\d+)\\.(\\d+)\\s+(?:fsync|fdatasync)\\(\\d+<([^>]*)>");

  record Counts(long total, long wal, long db, long other) {}

  private FsyncTrace() {}

  static Counts count(Path trace, long fromEpochMs, long toEpochMs) throws IOException {
    long total = 0;
    long wal = 0;
    long db = 0;
    long other = 0;
    try (BufferedReader r = Files.newBufferedReader(trace)) {
      String line;
      while ((line = r.readLine()) != null) {
        Matcher m = CALL.matcher(line);
        if (!m.find()) {
          continue;
        }
        long ms = Long.parseLong(m.group(1)) * 1000 + Long.parseLong(m.group(2).substring(0, 3));
        if (ms < fromEpochMs || ms > toEpochMs) {
          continue;
        }
        total++;
        String file = m.group(3);
        if (file.endsWith("-wal")) {
          wal++;
        } else if (file.endsWith(".db")) {
          db++;
        } else {
          other++;
        }
      }
    }
    return new Counts(total, wal, db, other);
  }
}
