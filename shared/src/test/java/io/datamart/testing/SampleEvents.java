package io.datamart.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/** Reads what a sample event of events/ carries: its route and its decoded body. */
public final class SampleEvents {
    private SampleEvents() {
    }

    public static JsonNode read(Path file) {
        return HandlerAssertions.json(EventFiles.read(file));
    }

    /** The request body as the client sent it, base64-decoded when the event says so; null if none. */
    public static String body(JsonNode event) {
        JsonNode body = event.get("body");
        if (body == null || body.isNull()) {
            return null;
        }
        return event.path("isBase64Encoded").asBoolean(false)
                ? new String(Base64.getDecoder().decode(body.textValue()), StandardCharsets.UTF_8)
                : body.textValue();
    }

    /** The request path, HTTP API (payload 2.0) or REST API (payload 1.0). */
    public static String path(JsonNode event) {
        return "2.0".equals(event.path("version").asText())
                ? event.path("requestContext").path("http").path("path").asText()
                : event.path("path").asText();
    }

    /** Whether the event is sent to one of the legacy {@code /api/v2/dataApp/} routes. */
    public static boolean isLegacy(JsonNode event) {
        return path(event).startsWith("/api/v2/dataApp/");
    }
}
