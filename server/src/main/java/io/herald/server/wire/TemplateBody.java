package io.herald.server.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.server.api.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The body an endpoint's JSONata {@code bodyTemplate} computes over {@link TemplateInput}. Unlike the fixed formats,
 * the result is serialized anew, so numbers come out in JSONata's canonical form ({@code 20.0} as {@code 20}).
 */
final class TemplateBody implements BodyFormatter {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final String expression;

  TemplateBody(String expression) {
    this.expression = expression;
  }

  @Override
  public Body render(WireContext ctx) {
    return switch (Templates.evaluate(expression, TemplateInput.of(ctx))) {
      case Templates.Result.Failed f -> new Body.Failed("bodyTemplate failed: " + f.reason());
      case Templates.Result.Value v when v.value() == null ->
          new Body.Failed("bodyTemplate produced no value (undefined or null) for this message");
      case Templates.Result.Value v -> {
        try {
          yield new Body.Ready(Json.write(toJson(v.value())));
        } catch (IllegalArgumentException e) {
          yield new Body.Failed("bodyTemplate produced " + e.getMessage());
        }
      }
    };
  }

  /** JSONata's result as JSON; functions and non-finite numbers have no JSON form and are refused. */
  static JsonNode toJson(Object value) {
    return switch (value) {
      case null -> NODES.nullNode();
      case String s -> NODES.textNode(s);
      case Boolean b -> NODES.booleanNode(b);
      case Integer i -> NODES.numberNode(i);
      case Long l -> NODES.numberNode(l);
      case BigInteger b -> NODES.numberNode(b);
      case BigDecimal b -> NODES.numberNode(b);
      case Number n -> {
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("a number JSON cannot express (" + d + ")");
        }
        yield NODES.numberNode(d);
      }
      case Map<?, ?> map -> {
        ObjectNode obj = NODES.objectNode();
        map.forEach((k, v) -> obj.set(String.valueOf(k), toJson(v)));
        yield obj;
      }
      case List<?> list -> {
        ArrayNode arr = NODES.arrayNode();
        list.forEach(v -> arr.add(toJson(v)));
        yield arr;
      }
      default -> {
        if (value == com.dashjoin.jsonata.Jsonata.NULL_VALUE) {
          yield NODES.nullNode();
        }
        throw new IllegalArgumentException("a value JSON cannot express (" + value.getClass().getSimpleName()
            + ", e.g. a function)");
      }
    };
  }
}
