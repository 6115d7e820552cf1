package io.herald.server;

import io.herald.server.config.ConfigException;
import io.herald.server.config.ConfigLoader;
import io.herald.server.config.HeraldConfig;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code herald} command line. */
@Command(name = "herald", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
    description = "Self-hosted webhook delivery.",
    subcommands = {Main.Serve.class, Main.Migrate.class, io.herald.server.cli.ListenCommand.class,
        io.herald.server.cli.SendCommand.class, io.herald.server.cli.AppCommand.class,
        io.herald.server.cli.EndpointCommand.class})
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 0;
  }

  /** {@code herald serve}: runs the server until SIGTERM or Ctrl-C. */
  @Command(name = "serve", description = "Start the server (settings from HERALD_* environment variables).")
  static final class Serve implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
      HeraldConfig config;
      try {
        config = ConfigLoader.load(System.getenv());
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return 78; // EX_CONFIG
      }
      HeraldServer server;
      try {
        server = HeraldServer.start(config, Clock.systemUTC(), key -> {
          System.out.println();
          System.out.println("  Generated the admin API key (shown once; only its hash is stored):");
          System.out.println();
          System.out.println("    " + key);
          System.out.println();
          System.out.println("  export HERALD_TOKEN=" + key);
          System.out.println();
        });
      } catch (IllegalStateException | java.io.UncheckedIOException e) {
        System.err.println("herald: " + e.getMessage());
        return 1;
      }
      String where = config.embeddedStore() ? "embedded store in " + config.dataDir().toAbsolutePath().normalize() : "PostgreSQL";
      System.out.println("Herald " + Version.VALUE + " listening on http://" + displayHost(config.host()) + ":"
          + server.port() + " (" + where + ")");
      IdleMemory.release();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        stopped.countDown();
      }, "herald-shutdown"));
      stopped.await();
      return 0;
    }

    private static String displayHost(String host) {
      return host.equals("0.0.0.0") ? "localhost" : host;
    }
  }

  /** {@code herald migrate}: applies pending schema migrations and exits (the server also does it at start-up). */
  @Command(name = "migrate", description = "Apply pending database migrations and exit.")
  static final class Migrate implements Callable<Integer> {
    @Override
    public Integer call() {
      HeraldConfig config;
      try {
        config = ConfigLoader.load(System.getenv());
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return 78;
      }
      try (io.herald.server.store.Database db = io.herald.server.store.Database.open(config)) {
        System.out.println("Schema is up to date (" + (config.embeddedStore() ? "embedded store" : "PostgreSQL") + ").");
        return 0;
      } catch (RuntimeException e) {
        System.err.println("herald migrate: " + e.getMessage());
        return 1;
      }
    }
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"Herald " + Version.VALUE};
    }
  }
}
