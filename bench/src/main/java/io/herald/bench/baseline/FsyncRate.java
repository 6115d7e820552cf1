package io.herald.bench.baseline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The sync rate of the data directory's file system: one thread writing 4 KiB and calling fdatasync, over and over,
 * into a preallocated file (as SQLite's WAL is reused after a checkpoint). Any design that syncs once per request is
 * capped by this number.
 */
public final class FsyncRate {
  private static final int BLOCK = 4096;
  private static final long FILE_BYTES = 16L * 1024 * 1024;

  private FsyncRate() {}

  public static Map<String, Object> measure(Path dir, double seconds) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("fsync-probe.dat");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ)) {
      ByteBuffer zeros = ByteBuffer.allocate(1024 * 1024);
      for (long at = 0; at < FILE_BYTES; at += zeros.capacity()) {
        zeros.clear();
        ch.write(zeros, at);
      }
      ch.force(true);
      ByteBuffer block = ByteBuffer.allocate(BLOCK);
      long syncs = 0;
      long start = System.nanoTime();
      long deadline = start + (long) (seconds * 1e9);
      long at = 0;
      while (System.nanoTime() < deadline) {
        block.clear();
        block.putLong(0, syncs);
        ch.write(block, at);
        ch.force(false); // fdatasync
        syncs++;
        at = (at + BLOCK) % FILE_BYTES;
      }
      double secs = (System.nanoTime() - start) / 1e9;
      return Map.of("syncsPerSecond", syncs / secs, "syncs", syncs, "seconds", secs,
          "method", "4 KiB pwrite + fdatasync, one thread, preallocated 16 MiB file in the data directory's "
              + "file system");
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
