package io.herald.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.server.api.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herald send}: posts one message and prints its id. */
@Command(name = "send", mixinStandardHelpOptions = true, description = "Send a message to an application's endpoints.")
public final class SendCommand extends ClientCommand {
  @Option(names = "--app", required = true, description = "Application id or uid.")
  String app;

  @Option(names = {"--type", "--event-type"}, required = true, description = "Event type, e.g. order.created.")
  String eventType;

  @Option(names = "--payload", required = true,
      description = "The JSON object to send: inline, @file.json, or - for standard input.")
  String payload;

  @Option(names = "--event-id", description = "Your id for the event; a second message with it is refused.")
  String eventId;

  @Option(names = "--channel", description = "Channel(s) of the message.")
  List<String> channels;

  @Override
  void run(ApiClient api, PrintWriter out) throws ApiClient.CliError {
    String json = readPayload();
    if (!json.strip().startsWith("{")) {
      throw new ApiClient.CliError("--payload must be a JSON object, e.g. '{\"orderId\": \"1234\"}'", 65);
    }
    // The payload is spliced in as text so Herald receives the producer's exact bytes.
    ObjectNode rest = Json.MAPPER.createObjectNode().put("eventType", eventType);
    if (eventId != null) {
      rest.put("eventId", eventId);
    }
    if (channels != null) {
      channels.forEach(rest.putArray("channels")::add);
    }
    String body = "{\"payload\":" + json.strip() + "," + Json.text(rest).substring(1);
    out.println(api.post("/api/v1/app/" + app + "/msg", body).path("id").asText());
  }

  private String readPayload() throws ApiClient.CliError {
    try {
      if (payload.equals("-")) {
        return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (payload.startsWith("@")) {
        return Files.readString(Path.of(payload.substring(1)));
      }
      return payload;
    } catch (IOException e) {
      throw new ApiClient.CliError("cannot read the payload: " + e.getMessage(), 66);
    }
  }
}
