package io.herald.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.server.api.Json;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herald endpoint create|list}. */
@Command(name = "endpoint", mixinStandardHelpOptions = true, description = "Create and list endpoints.",
    subcommands = {EndpointCommand.Create.class, EndpointCommand.ListEndpoints.class})
public final class EndpointCommand {

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create an endpoint; prints its id and signing secret.")
  public static final class Create extends ClientCommand {
    @Option(names = "--app", required = true, description = "Application id or uid.")
    String app;

    @Option(names = "--url", required = true, description = "Where deliveries are POSTed.")
    String url;

    @Option(names = "--uid", description = "Your own id for it.")
    String uid;

    @Option(names = {"--type", "--event-type"}, description = "Event type(s) it receives (default: all).")
    List<String> types;

    @Override
    void run(ApiClient api, PrintWriter out) throws ApiClient.CliError {
      ObjectNode body = Json.MAPPER.createObjectNode().put("url", url);
      if (uid != null) {
        body.put("uid", uid);
      }
      if (types != null) {
        types.forEach(body.putArray("filterTypes")::add);
      }
      String id = api.post("/api/v1/app/" + app + "/endpoint", Json.text(body)).path("id").asText();
      String secret = api.get("/api/v1/app/" + app + "/endpoint/" + id + "/secret").path("key").asText();
      out.println(id);
      out.println(secret);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List an application's endpoints.")
  public static final class ListEndpoints extends ClientCommand {
    @Option(names = "--app", required = true, description = "Application id or uid.")
    String app;

    @Override
    void run(ApiClient api, PrintWriter out) throws ApiClient.CliError {
      String iterator = null;
      do {
        JsonNode page = api.get("/api/v1/app/" + app + "/endpoint?limit=250"
            + (iterator == null ? "" : "&iterator=" + iterator));
        for (JsonNode ep : page.path("data")) {
          out.printf("%s\t%s\t%s%s%n", ep.path("id").asText(), ep.path("uid").asText(""), ep.path("url").asText(),
              ep.path("disabled").asBoolean() ? "\t(disabled)" : "");
        }
        iterator = page.path("done").asBoolean(true) ? null : page.path("iterator").asText();
      } while (iterator != null);
    }
  }
}
