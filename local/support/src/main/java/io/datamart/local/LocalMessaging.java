package io.datamart.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A loopback stand-in for the two AWS calls the event-driven functions make, spoken in
 * their real wire protocols so the real SDK clients talk to it: EventBridge
 * {@code PutEvents} (AWS JSON 1.1) and SQS {@code SendMessage} (AWS JSON 1.0). It keeps
 * what it receives, tells a listener, and can be told to fail, to stand in for an
 * outage; there is no EventBridge or SQS emulator on Maven Central to use instead.
 *
 * <p>SendMessage honours FIFO deduplication ids per queue and message group (the
 * template's {@code DeduplicationScope: messageGroup}) for the life of the server, as SQS
 * does for five minutes: a repeated id is acknowledged with the first message's id and
 * not kept again.
 */
public final class LocalMessaging implements AutoCloseable {
    /** A PutEvents entry as received: bus, source, detail-type and the parsed detail. */
    public record ReceivedEvent(String eventId, String busName, String source, String detailType, JsonNode detail) {
    }

    /** A SendMessage call as received. */
    public record SentMessage(String messageId, String queueUrl, String body, String groupId, String deduplicationId) {
    }

    /** How the stand-in answers PutEvents. */
    public enum PutEventsMode {
        ACCEPT,
        /** HTTP 500 InternalFailure for the whole call (the SDK retries it, then gives up). */
        FAIL,
        /** HTTP 200 with every entry refused ({@code FailedEntryCount}), as under throttling. */
        REFUSE_ENTRIES
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<ReceivedEvent> events = new CopyOnWriteArrayList<>();
    private final List<SentMessage> messages = new CopyOnWriteArrayList<>();
    private final Map<String, String> deduplicated = new ConcurrentHashMap<>();
    private final List<Consumer<ReceivedEvent>> eventListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<SentMessage>> messageListeners = new CopyOnWriteArrayList<>();
    private volatile PutEventsMode putEventsMode = PutEventsMode.ACCEPT;
    /** Entries whose detail matches are refused one by one, the others accepted (a partial failure). */
    private volatile java.util.function.Predicate<JsonNode> refusedDetails = detail -> false;
    private volatile boolean failSendMessage;

    private LocalMessaging(HttpServer server) {
        this.server = server;
    }

    /** Starts on 127.0.0.1, on a free port. */
    public static LocalMessaging start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            LocalMessaging messaging = new LocalMessaging(server);
            server.createContext("/", messaging::handle);
            server.start();
            return messaging;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local event bus", e);
        }
    }

    /** Where to point the SDK clients (EVENTBRIDGE_ENDPOINT and SQS_ENDPOINT). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<ReceivedEvent> events() {
        return List.copyOf(events);
    }

    public List<SentMessage> messages() {
        return List.copyOf(messages);
    }

    public void onEvent(Consumer<ReceivedEvent> listener) {
        eventListeners.add(listener);
    }

    public void onMessage(Consumer<SentMessage> listener) {
        messageListeners.add(listener);
    }

    public void putEvents(PutEventsMode mode) {
        this.putEventsMode = mode;
    }

    /** Refuses, entry by entry, the events whose parsed detail matches; accepts the rest of each call. */
    public void refuseEvents(java.util.function.Predicate<JsonNode> details) {
        this.refusedDetails = details;
    }

    public void failSendMessage(boolean fail) {
        this.failSendMessage = fail;
    }

    /** Forgets what was received (not the deduplication ids) and its listeners, and accepts everything again. */
    public void reset() {
        events.clear();
        messages.clear();
        eventListeners.clear();
        messageListeners.clear();
        putEventsMode = PutEventsMode.ACCEPT;
        refusedDetails = detail -> false;
        failSendMessage = false;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request;
            try (InputStream body = exchange.getRequestBody()) {
                request = JSON.readTree(body);
            }
            if ("AWSEvents.PutEvents".equals(target)) {
                putEvents(exchange, request);
            } else if ("AmazonSQS.SendMessage".equals(target)) {
                sendMessage(exchange, request);
            } else {
                respond(exchange, 400, "1.1", error("UnknownOperationException", "not served locally: " + target));
            }
        }
    }

    private void putEvents(HttpExchange exchange, JsonNode request) throws IOException {
        PutEventsMode mode = putEventsMode;
        if (mode == PutEventsMode.FAIL) {
            respond(exchange, 500, "1.1", error("InternalException", "injected failure"));
            return;
        }
        ObjectNode response = JSON.createObjectNode();
        ArrayNode results = response.putArray("Entries");
        int failed = 0;
        for (JsonNode entry : request.path("Entries")) {
            JsonNode detail = JSON.readTree(entry.path("Detail").asText("null"));
            if (mode == PutEventsMode.REFUSE_ENTRIES || refusedDetails.test(detail)) {
                failed++;
                results.addObject().put("ErrorCode", "ThrottlingException").put("ErrorMessage", "injected refusal");
                continue;
            }
            String id = UUID.randomUUID().toString();
            ReceivedEvent event = new ReceivedEvent(id, entry.path("EventBusName").asText(null),
                    entry.path("Source").asText(null), entry.path("DetailType").asText(null), detail);
            events.add(event);
            eventListeners.forEach(listener -> listener.accept(event));
            results.addObject().put("EventId", id);
        }
        response.put("FailedEntryCount", failed);
        respond(exchange, 200, "1.1", response);
    }

    private void sendMessage(HttpExchange exchange, JsonNode request) throws IOException {
        if (failSendMessage) {
            respond(exchange, 500, "1.0", error("InternalFailure", "injected failure"));
            return;
        }
        String body = request.path("MessageBody").asText();
        String deduplicationId = request.path("MessageDeduplicationId").asText(null);
        String messageId = UUID.randomUUID().toString();
        String scope = request.path("QueueUrl").asText() + "\n" + request.path("MessageGroupId").asText("");
        String first = deduplicationId == null ? null
                : deduplicated.putIfAbsent(scope + "\n" + deduplicationId, messageId);
        if (first != null) {
            messageId = first;
        } else {
            SentMessage message = new SentMessage(messageId, request.path("QueueUrl").asText(), body,
                    request.path("MessageGroupId").asText(null), deduplicationId);
            messages.add(message);
            messageListeners.forEach(listener -> listener.accept(message));
        }
        ObjectNode response = JSON.createObjectNode()
                .put("MessageId", messageId)
                .put("MD5OfMessageBody", md5(body));
        respond(exchange, 200, "1.0", response);
    }

    private static ObjectNode error(String type, String message) {
        return JSON.createObjectNode().put("__type", type).put("message", message);
    }

    private static void respond(HttpExchange exchange, int status, String jsonVersion, JsonNode body)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-" + jsonVersion);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** SQS returns it and the SDK checks it against what it sent. */
    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** An event as received, for a log line: bus, source, detail-type and detail. */
    public static ObjectNode describe(ReceivedEvent event) {
        ObjectNode line = JSON.createObjectNode()
                .put("bus", event.busName())
                .put("source", event.source())
                .put("detail-type", event.detailType());
        line.set("detail", event.detail());
        return line;
    }
}
