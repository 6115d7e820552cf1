package io.herald.server.api;

/**
 * An error answered to the client as {@code {"code": ..., "detail": ...}} with an HTTP status. The detail names the
 * field or setting at fault and, where there is one, the fix.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;

  public ApiException(int status, String code, String detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }

  public static ApiException notFound(String what) {
    return new ApiException(404, "not_found", what + " not found");
  }

  public static ApiException validation(String field, String problem) {
    return new ApiException(422, "validation", field + ": " + problem);
  }

  public static ApiException conflict(String detail) {
    return new ApiException(409, "conflict", detail);
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, "bad_request", detail);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
