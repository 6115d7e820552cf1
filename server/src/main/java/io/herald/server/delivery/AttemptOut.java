package io.herald.server.delivery;

import io.herald.server.api.Json;

/** Svix's MessageAttemptOut. */
public record AttemptOut(String id, String msgId, String endpointId, String url, String response,
    int responseStatusCode, long responseDurationMs, int status, String statusText, int triggerType, String timestamp) {

  /** The same attempt with its response body left out, as Svix answers lists asked {@code with_content=false}. */
  AttemptOut withoutResponse() {
    return new AttemptOut(id, msgId, endpointId, url, "{}", responseStatusCode, responseDurationMs, status, statusText,
        triggerType, timestamp);
  }

  static String statusText(int status) {
    return switch (status) {
      case 0 -> "success";
      case 1 -> "pending";
      case 2 -> "fail";
      case Sequencing.SKIPPED -> "skipped";
      default -> "sending";
    };
  }

  static AttemptOut of(java.sql.ResultSet rs) throws java.sql.SQLException {
    int status = rs.getInt("status");
    return new AttemptOut(rs.getString("id"), rs.getString("msg_id"), rs.getString("endpoint_id"), rs.getString("url"),
        rs.getString("response"), rs.getInt("response_status_code"), rs.getLong("response_duration_ms"), status,
        statusText(status), rs.getInt("trigger_type"), Json.time(rs.getLong("created_at")));
  }
}
