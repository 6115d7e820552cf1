package io.herald.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of the commands that call a Herald server: one line on stderr and an exit code for every failure. */
abstract class ClientCommand implements Callable<Integer> {
  @Mixin
  ServerOptions server;

  @Spec
  CommandSpec spec;

  @Override
  public final Integer call() {
    try {
      run(new ApiClient(server), spec.commandLine().getOut());
      return 0;
    } catch (ApiClient.CliError e) {
      spec.commandLine().getErr().println("herald: " + e.getMessage());
      return e.exitCode;
    }
  }

  abstract void run(ApiClient api, PrintWriter out) throws ApiClient.CliError;
}
