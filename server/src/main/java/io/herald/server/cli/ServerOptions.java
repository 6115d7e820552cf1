package io.herald.server.cli;

import picocli.CommandLine.Option;

/** Where the Herald API is and how to authenticate; shared by the client commands. */
final class ServerOptions {
  @Option(names = "--server", description = "Herald's URL (env HERALD_URL; default ${DEFAULT-VALUE}).",
      defaultValue = "${env:HERALD_URL:-http://localhost:8080}")
  String server;

  @Option(names = "--token", description = "Admin API key (env HERALD_TOKEN).", defaultValue = "${env:HERALD_TOKEN}")
  String token;
}
