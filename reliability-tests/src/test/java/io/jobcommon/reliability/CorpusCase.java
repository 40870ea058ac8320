package io.jobcommon.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One line of {@code bad-input-corpus.jsonl}. Fields:
 *
 * <ul>
 *   <li>{@code name} (unique), {@code category}, {@code brokers} (default both);
 *   <li>the body: {@code body} (text), {@code bodyBase64} (any bytes) or {@code bodyRepeat} ({@code
 *       prefix + unit × count + suffix}, for huge or deep bodies);
 *   <li>{@code headers}: string headers sent through the transport without tracing (a value may be
 *       a repeat object like {@code bodyRepeat});
 *   <li>{@code amqp}: {@code headers} with typed values and {@code properties}, published with the
 *       raw amqp-client; {@code sqs}: {@code attributes} and {@code systemAttributes}, sent with
 *       the raw SqsAsyncClient; {@code via: traced-client} sends through the traced MessageClient;
 *   <li>{@code expect}: {@code ack} (the handler returned), {@code dead-letter} or {@code rejected}
 *       (the send failed visibly), overridden per broker by {@code expectRabbitmq}/{@code
 *       expectSqs}; {@code reason}: the prefix of {@code jc-dead-letter-reason}; {@code
 *       maxReasonLength}; {@code deadLetterHeaders} ({@code $queue} stands for the queue); {@code
 *       trace}: {@code root} or {@code continue:<trace id>} for the handler's span; {@code
 *       maxLogLines}: the most log lines (stack trace lines included) that may mention the case's
 *       message ids.
 * </ul>
 *
 * Immutable.
 */
final class CorpusCase {
  static final String ACK = "ack";
  static final String DEAD_LETTER = "dead-letter";
  static final String REJECTED = "rejected";

  private final JsonNode node;

  CorpusCase(JsonNode node) {
    this.node = node;
  }

  String name() {
    return node.path("name").asText();
  }

  String category() {
    return node.path("category").asText();
  }

  boolean runsOn(String broker) {
    JsonNode brokers = node.get("brokers");
    if (brokers == null) {
      return true;
    }
    for (JsonNode b : brokers) {
      if (b.asText().equals(broker)) {
        return true;
      }
    }
    return false;
  }

  /** {@code raw-transport}, {@code traced-client}, {@code amqp} or {@code sqs-client}. */
  String via() {
    if (node.has("via")) {
      return node.get("via").asText();
    }
    if (node.has("amqp")) {
      return "amqp";
    }
    if (node.has("sqs")) {
      return "sqs-client";
    }
    return "raw-transport";
  }

  String expect(String broker) {
    String key = "expect" + capitalized(broker);
    return node.has(key) ? node.get(key).asText() : node.path("expect").asText();
  }

  Optional<String> reason(String broker) {
    String key = "reason" + capitalized(broker);
    JsonNode r = node.has(key) ? node.get(key) : node.get("reason");
    return r == null ? Optional.empty() : Optional.of(r.asText());
  }

  Optional<Integer> maxReasonLength() {
    JsonNode n = node.get("maxReasonLength");
    return n == null ? Optional.empty() : Optional.of(n.asInt());
  }

  Map<String, String> deadLetterHeaders(String queue) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode n = node.get("deadLetterHeaders");
    if (n != null) {
      n.properties()
          .forEach(e -> out.put(e.getKey(), e.getValue().asText().replace("$queue", queue)));
    }
    return out;
  }

  /**
   * {@code root}, {@code continue:<trace id>}, or empty when the span's parentage is not checked.
   */
  Optional<String> trace() {
    JsonNode n = node.get("trace");
    return n == null ? Optional.empty() : Optional.of(n.asText());
  }

  Optional<Integer> maxLogLines() {
    JsonNode n = node.get("maxLogLines");
    return n == null ? Optional.empty() : Optional.of(n.asInt());
  }

  boolean hasBody() {
    return node.has("body") || node.has("bodyBase64") || node.has("bodyRepeat");
  }

  byte[] body() {
    if (node.has("bodyBase64")) {
      return Base64.getDecoder().decode(node.get("bodyBase64").asText());
    }
    if (node.has("bodyRepeat")) {
      return text(node.get("bodyRepeat")).getBytes(StandardCharsets.UTF_8);
    }
    return node.path("body").asText().getBytes(StandardCharsets.UTF_8);
  }

  Map<String, String> headers() {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode h = node.get("headers");
    if (h != null) {
      h.properties().forEach(e -> out.put(e.getKey(), text(e.getValue())));
    }
    return out;
  }

  /** The {@code amqp} object, or a missing node. */
  JsonNode amqp() {
    return node.path("amqp");
  }

  /** The {@code sqs} object, or a missing node. */
  JsonNode sqs() {
    return node.path("sqs");
  }

  /** Problems with this case's own shape, for the corpus unit test. */
  List<String> problems() {
    List<String> p = new ArrayList<>();
    if (name().isEmpty()) {
      p.add("no name");
    }
    if (category().isEmpty()) {
      p.add("no category");
    }
    if (!hasBody()) {
      p.add("no body");
    }
    for (String broker : List.of("rabbitmq", "sqs")) {
      String e = expect(broker);
      if (!List.of(ACK, DEAD_LETTER, REJECTED).contains(e)) {
        p.add("expect for " + broker + " is '" + e + "'");
      }
      if (runsOn(broker) && e.equals(DEAD_LETTER) && reason(broker).isEmpty()) {
        p.add("a dead-letter expectation on " + broker + " without a reason");
      }
    }
    trace()
        .filter(t -> !t.equals("root") && !t.matches("continue:[0-9a-f]{32}"))
        .ifPresent(t -> p.add("trace is '" + t + "'"));
    if (!List.of("raw-transport", "traced-client", "amqp", "sqs-client").contains(via())) {
      p.add("via is '" + via() + "'");
    }
    if ((via().equals("amqp") && runsOn("sqs"))
        || (via().equals("sqs-client") && runsOn("rabbitmq"))) {
      p.add("a broker-specific case (" + via() + ") must name its broker in 'brokers'");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String f = e.getKey();
      if (!KNOWN.contains(f)) {
        p.add("unknown field '" + f + "'");
      }
    }
    return p;
  }

  private static final List<String> KNOWN =
      List.of(
          "name",
          "category",
          "brokers",
          "via",
          "body",
          "bodyBase64",
          "bodyRepeat",
          "headers",
          "amqp",
          "sqs",
          "expect",
          "expectRabbitmq",
          "expectSqs",
          "reason",
          "reasonRabbitmq",
          "reasonSqs",
          "maxReasonLength",
          "deadLetterHeaders",
          "trace",
          "maxLogLines");

  /** A text value, or a repeat object {@code {prefix, unit, count, suffix}}. */
  static String text(JsonNode value) {
    if (!value.isObject()) {
      return value.asText();
    }
    StringBuilder sb = new StringBuilder();
    sb.append(value.path("prefix").asText());
    String unit = value.path("unit").asText();
    int count = value.path("count").asInt();
    sb.ensureCapacity(sb.length() + unit.length() * count + 16);
    for (int i = 0; i < count; i++) {
      sb.append(unit);
    }
    sb.append(value.path("suffix").asText());
    return sb.toString();
  }

  private static String capitalized(String broker) {
    return broker.equals("sqs") ? "Sqs" : "Rabbitmq";
  }

  @Override
  public String toString() {
    return name();
  }
}
