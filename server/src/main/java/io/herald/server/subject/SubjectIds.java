package io.herald.server.subject;

import io.herald.server.api.ApiException;

/**
 * The rule for subject ids, which are the producer's own ids (order ids, session ids). They travel in the
 * {@code webhook-subject} header and in API paths, so they are limited to visible ASCII without '/'.
 */
public final class SubjectIds {
  public static final int MAX_LENGTH = 256;

  private SubjectIds() {}

  public static String check(String field, String id) {
    if (id.isEmpty() || id.length() > MAX_LENGTH || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/')) {
      throw ApiException.validation(field, "must be 1-" + MAX_LENGTH
          + " visible ASCII characters without spaces or '/' (it is sent in the webhook-subject header)");
    }
    return id;
  }
}
