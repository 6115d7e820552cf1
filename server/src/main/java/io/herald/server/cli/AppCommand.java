package io.herald.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.server.api.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herald app create|list}. */
@Command(name = "app", mixinStandardHelpOptions = true, description = "Create and list applications.",
    subcommands = {AppCommand.Create.class, AppCommand.ListApps.class})
public final class AppCommand {

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an application; prints its id.")
  public static final class Create extends ClientCommand {
    @Option(names = "--name", required = true, description = "Display name.")
    String name;

    @Option(names = "--uid", description = "Your own id for it, usable wherever the id is.")
    String uid;

    @Override
    void run(ApiClient api, PrintWriter out) throws ApiClient.CliError {
      ObjectNode body = Json.MAPPER.createObjectNode().put("name", name);
      if (uid != null) {
        body.put("uid", uid);
      }
      out.println(api.post("/api/v1/app", Json.text(body)).path("id").asText());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List applications.")
  public static final class ListApps extends ClientCommand {
    @Override
    void run(ApiClient api, PrintWriter out) throws ApiClient.CliError {
      String iterator = null;
      do {
        JsonNode page = api.get("/api/v1/app?limit=250" + (iterator == null ? "" : "&iterator=" + iterator));
        for (JsonNode app : page.path("data")) {
          out.printf("%s\t%s\t%s%n", app.path("id").asText(), app.path("uid").asText(""), app.path("name").asText());
        }
        iterator = page.path("done").asBoolean(true) ? null : page.path("iterator").asText();
      } while (iterator != null);
    }
  }
}
