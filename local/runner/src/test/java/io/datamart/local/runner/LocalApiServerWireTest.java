package io.datamart.local.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * bin/local-api's server at the level of bytes on the wire: requests HttpClient cannot
 * send (a malformed escape, a lower-case method, a control character in a header value)
 * and HTTP/1.1 framing (keep-alive, chunked bodies, 100-continue, size limits), written
 * over a plain socket, each answer read back as the server wrote it.
 */
class LocalApiServerWireTest {
    private static final String TOKEN = "dbn_live_local_demo_token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @RegisterExtension
    static final RunningLocalApi api = RunningLocalApi.server();

    @Test
    void aMalformedQueryEscapeReachesTheFunctionWhichAnswersWithTheContractsError() throws Exception {
        RawResponse response = exchange("GET /api/v2/data-app/datamarts?%zz HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\nConnection: close\r\n\r\n");
        assertEquals(400, response.status());
        assertEquals("application/json", response.header("content-type"));
        assertEquals("INVALID_REQUEST_BODY", response.json().path("error").path("code").asText());
    }

    @Test
    void aQueryJavaNetUriRefusesReachesTheFunctionAsSent() throws Exception {
        RawResponse response = exchange("GET /api/v2/data-app/datamarts?a|b^{}\"=1 HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\nConnection: close\r\n\r\n");
        assertEquals(400, response.status());
        String message = response.json().path("error").path("message").asText();
        assertTrue(message.startsWith("Unknown query parameter 'a|b^{}\"'"), message);
    }

    @Test
    void anAbsoluteFormTargetCountsByItsPathAndQuery() throws Exception {
        RawResponse response = exchange("GET http://127.0.0.1/api/v2/data-app/datamarts?%zz HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\nConnection: close\r\n\r\n");
        assertEquals(400, response.status());
        assertEquals("INVALID_REQUEST_BODY", response.json().path("error").path("code").asText());
    }

    @Test
    void aLowerCaseMethodIsUnroutedAndDeletesNothing() throws Exception {
        assertEquals(200, create("lower-case-delete"));
        RawResponse response = exchange("delete /api/v2/data-app/datamarts?datamartName=lower-case-delete HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\nConnection: close\r\n\r\n");
        assertEquals(404, response.status());
        assertEquals(Json.MAPPER.readTree("{\"message\": \"Not Found\"}"), response.json());
        assertEquals(200, get("/api/v2/data-app/datamarts/lower-case-delete").statusCode(), "still there");
    }

    @Test
    void literalPathSegmentsMatchOnlyAsSentWhilePathParametersAreDecoded() throws Exception {
        HttpResponse<String> escapedLiteral = get("/api/v2/%64ata-app/datamarts");
        assertEquals(404, escapedLiteral.statusCode());
        assertEquals(Json.MAPPER.readTree("{\"message\": \"Not Found\"}"), Json.MAPPER.readTree(escapedLiteral.body()));

        assertEquals(200, create("escaped-name"));
        HttpResponse<String> escapedParameter = get("/api/v2/data-app/datamarts/%65scaped-name");
        assertEquals(200, escapedParameter.statusCode());
        assertEquals("escaped-name", Json.MAPPER.readTree(escapedParameter.body()).path("data").path("name").asText());
    }

    @Test
    void aHeaderValueKeepsItsControlCharactersAndLosesOnlySpacesAndTabsAround() throws Exception {
        String list = "GET /api/v2/data-app/datamarts?expandDetails=false HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        RawResponse padded = exchange(list + "Authorization: \t Bearer " + TOKEN + " \t\r\nConnection: close\r\n\r\n");
        assertEquals(200, padded.status(), "spaces and tabs around a value are not part of it");

        // The JDK's server trimmed the \u0001 away and the token passed; the function must see it and refuse.
        RawResponse control = exchange(list + "Authorization: Bearer " + TOKEN + "\u0001\r\nConnection: close\r\n\r\n");
        assertEquals(401, control.status());
        assertEquals("AUTH_ERROR", control.json().path("error").path("code").asText());
        assertEquals("Malformed Authorization header: expected Bearer <service token>",
                control.json().path("error").path("message").asText());
    }

    @Test
    void servesSeveralRequestsOnOneConnectionUntilTheClientSaysClose() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String body = createBody("kept-alive");
            write(out, "POST /api/v2/data-app/datamarts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            RawResponse created = RawResponse.read(in);
            assertEquals(200, created.status());
            assertEquals("kept-alive", created.json().path("id").asText());

            write(out, "GET /api/v2/data-app/datamarts/kept-alive HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + TOKEN + "\r\nConnection: close\r\n\r\n");
            RawResponse got = RawResponse.read(in);
            assertEquals(200, got.status());
            assertEquals("kept-alive", got.json().path("data").path("name").asText());
            assertEquals("close", got.header("connection"));
            assertEquals(-1, in.read(), "the server closed the connection after the answer");
        }
    }

    @Test
    void readsAChunkedBody() throws Exception {
        String body = createBody("chunked-body");
        int half = body.length() / 2;
        String first = body.substring(0, half);
        String second = body.substring(half);
        RawResponse created = exchange("POST /api/v2/data-app/datamarts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(first.length()) + ";note=ignored\r\n" + first + "\r\n"
                + Integer.toHexString(second.length()) + "\r\n" + second + "\r\n"
                + "0\r\nX-Trailer: ignored\r\n\r\n");
        assertEquals(200, created.status());
        assertEquals("chunked-body", created.json().path("id").asText());
        assertEquals(200, get("/api/v2/data-app/datamarts/chunked-body").statusCode());
    }

    @Test
    void asksForTheBodyWithOneHundredContinueWhenTheClientExpectsIt() throws Exception {
        try (Socket socket = connect()) {
            String body = createBody("expected-body");
            write(socket.getOutputStream(), "POST /api/v2/data-app/datamarts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
            RawResponse goAhead = RawResponse.read(socket.getInputStream());
            assertEquals(100, goAhead.status(), "the interim answer comes before any body byte is sent");
            write(socket.getOutputStream(), body);
            RawResponse created = RawResponse.read(socket.getInputStream());
            assertEquals(200, created.status());
            assertEquals("expected-body", created.json().path("id").asText());
        }
    }

    @Test
    void refusesAnOverlongHeaderSectionAndKeepsServing() throws Exception {
        RawResponse refused = exchange("GET /api/v2/data-app/datamarts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "X-Padding: " + "x".repeat(HttpRequestReader.MAX_HEADER_SECTION_BYTES) + "\r\n\r\n");
        assertEquals(431, refused.status());
        assertEquals("close", refused.header("connection"));
        assertEquals(200, get("/api/v2/data-app/datamarts?expandDetails=false").statusCode());
    }

    @Test
    void refusesAnOverlongBodyUnreadAndKeepsServing() throws Exception {
        try (Socket socket = connect()) {
            write(socket.getOutputStream(), "POST /api/v2/data-app/datamarts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (HttpRequestReader.MAX_BODY_BYTES + 1) + "\r\nExpect: 100-continue\r\n\r\n");
            RawResponse refused = RawResponse.read(socket.getInputStream());
            assertEquals(413, refused.status(), "refused at once, without a 100 Continue");
            assertEquals("close", refused.header("connection"));
            assertEquals(-1, socket.getInputStream().read());
        }
        RawResponse chunked = exchange("POST /api/v2/data-app/datamarts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(HttpRequestReader.MAX_BODY_BYTES + 1) + "\r\n");
        assertEquals(413, chunked.status());
        assertEquals(200, get("/api/v2/data-app/datamarts?expandDetails=false").statusCode());
    }

    @Test
    void refusesARequestItCannotReadWithAJsonBadRequest() throws Exception {
        RawResponse spaceBeforeColon = exchange("GET /api/v2/data-app/datamarts HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n");
        assertEquals(400, spaceBeforeColon.status());
        assertEquals(Json.MAPPER.readTree("{\"message\": \"Bad Request\"}"), spaceBeforeColon.json());
        assertTrue(api.logs().contains("refused a request (400): not a header field"),
                "the log says why");
        assertEquals(400, exchange("GET /api/v2/data-app/datamarts/\u00ff HTTP/1.1\r\n\r\n").status(),
                "a target that is not UTF-8 (the byte 0xFF)");
        assertEquals(505, exchange("GET /api/v2/data-app/datamarts HTTP/2.0\r\n\r\n").status());
        assertEquals(501, exchange("POST /api/v2/data-app/datamarts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Transfer-Encoding: gzip, chunked\r\n\r\n").status());
    }

    @Test
    void answersHeadWithoutABody() throws Exception {
        try (Socket socket = connect()) {
            write(socket.getOutputStream(), "HEAD /api/v2/data-app/nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /api/v2/data-app/nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            RawResponse head = RawResponse.readHead(socket.getInputStream());
            assertEquals(404, head.status());
            assertEquals("23", head.header("content-length"), "the length the GET's body has");
            RawResponse get = RawResponse.read(socket.getInputStream());
            assertEquals(404, get.status(), "the next answer starts right after the head");
            assertEquals(23, get.body().length);
        }
    }

    /** One answer from the server, as bytes on the wire: status, headers (names lower-cased), body. */
    private record RawResponse(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }

        JsonNode json() throws IOException {
            return Json.MAPPER.readTree(body);
        }

        /** Reads one answer: its head, then as many body bytes as its Content-Length says. */
        static RawResponse read(InputStream in) throws IOException {
            RawResponse head = readHead(in);
            int length = Integer.parseInt(head.headers().getOrDefault("content-length", "0"));
            return new RawResponse(head.status(), head.headers(), in.readNBytes(length));
        }

        static RawResponse readHead(InputStream in) throws IOException {
            String statusLine = line(in);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
            return new RawResponse(Integer.parseInt(statusLine.split(" ")[1]), headers, new byte[0]);
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the connection ended inside an answer's head: " + line);
                }
                line.write(b);
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            assertTrue(text.endsWith("\r"), "lines end with CRLF");
            return text.substring(0, text.length() - 1);
        }
    }

    /** Sends one request on a new connection and reads one answer. */
    private static RawResponse exchange(String request) throws IOException {
        try (Socket socket = connect()) {
            write(socket.getOutputStream(), request);
            return RawResponse.read(socket.getInputStream());
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(api.url().getHost(), api.url().getPort());
        // Only so that a server that never answers fails the test instead of hanging the build.
        socket.setSoTimeout(60_000);
        return socket;
    }

    /** Byte for byte (ISO-8859-1): "\u0001" is the one byte 0x01. The JSON bodies here are ASCII. */
    private static void write(OutputStream out, String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String createBody(String name) {
        return LocalApiServerTest.DOCUMENTED_CREATE.replace("\"sales-analytics\"", "\"" + name + "\"");
    }

    private static int create(String name) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(api.url().resolve("/api/v2/data-app/datamarts"))
                        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(createBody(name))).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(api.url().resolve(path)).header("Authorization", "Bearer " + TOKEN)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
