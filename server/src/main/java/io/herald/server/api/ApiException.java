package io.herald.server.api;

import java.util.ArrayList;
import java.util.List;

/**
 * An error answered to the client as {@code {"code": ..., "detail": ...}} with an HTTP status. The detail names the
 * field or setting at fault and, where there is one, the fix.
 *
 * <p>A validation error (422) is answered in Svix's HTTPValidationError shape instead, which the SDKs type it as:
 * {@code {"detail": [{"loc": ["body", "uid"], "msg": "must be ...", "type": "value_error"}]}}.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final List<String> loc;
  private final String problem;

  public ApiException(int status, String code, String detail) {
    this(status, code, detail, null, null);
  }

  private ApiException(int status, String code, String detail, List<String> loc, String problem) {
    super(detail);
    this.status = status;
    this.code = code;
    this.loc = loc;
    this.problem = problem;
  }

  public static ApiException notFound(String what) {
    return new ApiException(404, "not_found", what + " not found");
  }

  /** A request body field is invalid; a dotted field ({@code headers.X-Foo}) names a nested location. */
  public static ApiException validation(String field, String problem) {
    return validationIn("body", field, problem);
  }

  /** A query parameter is invalid. */
  public static ApiException queryValidation(String name, String problem) {
    return validationIn("query", name, problem);
  }

  private static ApiException validationIn(String where, String field, String problem) {
    List<String> loc = new ArrayList<>();
    loc.add(where);
    loc.addAll(List.of(field.split("\\.", 2)));
    return new ApiException(422, "validation", field + ": " + problem, List.copyOf(loc), problem);
  }

  public static ApiException conflict(String detail) {
    return new ApiException(409, "conflict", detail);
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, "bad_request", detail);
  }

  /**
   * This error, for a field of the nested object {@code parent}: a validation error's {@code ["body", "uid"]} becomes
   * {@code ["body", parent, "uid"]}. Other errors are returned as they are.
   */
  public ApiException under(String parent) {
    if (loc == null) {
      return this;
    }
    List<String> nested = new ArrayList<>(loc);
    nested.add(1, parent);
    return new ApiException(status, code, parent + "." + getMessage(), List.copyOf(nested), problem);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Where a validation error is, as Svix's {@code loc} ({@code ["body", "uid"]}); null for other errors. */
  public List<String> loc() {
    return loc;
  }

  /** A validation error's message without the field name; null for other errors. */
  public String problem() {
    return problem;
  }
}
