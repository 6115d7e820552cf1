package io.herald.server.wire;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSONata expressions ({@code com.dashjoin:jsonata}) for body and header templates, evaluated with bounds so that a
 * bad template cannot hang a delivery worker: each evaluation may take {@link #TIMEOUT_MS} and nest
 * {@link #MAX_DEPTH} calls deep, and the library refuses ranges over a million items. Past a bound the evaluation
 * fails like any other template error: at save time the API answers 422 with the reason, at send time the attempt
 * fails with it.
 *
 * <p>Parsed expressions are cached (the library's expressions are thread-safe); the cache is bounded by clearing it
 * when it grows past {@link #CACHE_SIZE}, which only costs a re-parse.
 */
public final class Templates {
  static final long TIMEOUT_MS = 250;
  static final int MAX_DEPTH = 100;
  static final int MAX_LENGTH = 16_384;
  private static final int CACHE_SIZE = 1_000;
  private static final Map<String, Jsonata> CACHE = new ConcurrentHashMap<>();

  private Templates() {}

  /** What one evaluation came to. */
  public sealed interface Result {
    /** The value: maps, lists, strings, numbers, booleans; null when the expression produced nothing. */
    record Value(Object value) implements Result {}

    record Failed(String reason) implements Result {}
  }

  /** The syntax error in {@code expression}, or null when it parses. */
  public static String syntaxError(String expression) {
    try {
      compile(expression);
      return null;
    } catch (JException e) {
      return describe(e);
    }
  }

  /** Evaluates {@code expression} over {@code input} (plain maps and lists) within the bounds. */
  public static Result evaluate(String expression, Object input) {
    try {
      Jsonata compiled = compile(expression);
      // A fresh frame per evaluation: the time bound counts from setRuntimeBounds.
      Jsonata.Frame frame = compiled.createFrame();
      frame.setRuntimeBounds(TIMEOUT_MS, MAX_DEPTH);
      return new Result.Value(compiled.evaluate(input, frame));
    } catch (JException e) {
      return new Result.Failed(describe(e));
    } catch (StackOverflowError e) {
      return new Result.Failed("the template recursed too deeply");
    } catch (RuntimeException e) {
      return new Result.Failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
  }

  private static Jsonata compile(String expression) {
    Jsonata compiled = CACHE.get(expression);
    if (compiled == null) {
      compiled = Jsonata.jsonata(expression);
      if (CACHE.size() >= CACHE_SIZE) {
        CACHE.clear();
      }
      CACHE.put(expression, compiled);
    }
    return compiled;
  }

  private static String describe(JException e) {
    String message = e.getMessage() == null ? e.getError() : e.getMessage();
    message = message.replace("JSonataException ", "");
    if (message.contains("timeout")) {
      return "the template ran longer than " + TIMEOUT_MS + " ms (is there an endless loop?)";
    }
    if (message.contains("Stack overflow") || message.contains("depth")) {
      return "the template nested calls deeper than " + MAX_DEPTH + " levels";
    }
    return message + (e.getLocation() >= 0 ? " (at position " + e.getLocation() + ")" : "");
  }
}
