package io.datamart.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Runs a stream handler (what a RequestStreamHandler's method does) on an event, reading its JSON answer. */
public final class StreamHandlers {
    /** {@code handleRequest(InputStream, OutputStream, Context)}. */
    @FunctionalInterface
    public interface Handler {
        void handle(InputStream input, OutputStream output, Context context) throws IOException;
    }

    private StreamHandlers() {
    }

    public static JsonNode invoke(Handler handler, JsonNode event, Context context) {
        return invoke(handler, event.toString(), context);
    }

    public static JsonNode invoke(Handler handler, String event, Context context) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            handler.handle(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), output, context);
            return Json.MAPPER.readTree(output.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
