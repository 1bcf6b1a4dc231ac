package io.datamart.local.runner;

import io.datamart.local.runner.HttpRequestReader.Request;
import io.datamart.local.runner.LoopbackHttpServer.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The API's description and a page to try it: {@code /openapi.yaml} serves
 * docs/openapi.yaml with this server as its first server, and {@code /docs/} serves Swagger
 * UI from its webjar (org.webjars:swagger-ui), pointed at that document. Paths the
 * template does not route, so no function is shadowed; API Gateway serves neither.
 */
final class ApiDocs {
    static final String DOCUMENT = "/openapi.yaml";
    static final String PAGE = "/docs/";
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** The document's first server: where bin/local-api listens by default. */
    private static final String DEFAULT_SERVER = "url: http://127.0.0.1:3000";
    private static final Map<String, String> CONTENT_TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "png", "image/png");

    private final byte[] document;
    private final String webjarDirectory;

    private ApiDocs(byte[] document, String webjarDirectory) {
        this.document = document;
        this.webjarDirectory = webjarDirectory;
    }

    /**
     * The pages for a server at {@code self}; none (every path unrouted) for a template with
     * no docs/openapi.yaml beside it.
     *
     * @throws IllegalStateException the document lacks the local server, or the webjar is missing
     */
    static ApiDocs of(Path documentFile, URI self) {
        if (!Files.isRegularFile(documentFile)) {
            return new ApiDocs(null, null);
        }
        String text;
        try {
            text = Files.readString(documentFile);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + documentFile, e);
        }
        if (!text.contains(DEFAULT_SERVER)) {
            throw new IllegalStateException(documentFile + " does not list " + DEFAULT_SERVER + " as a server");
        }
        // Try-it requests go to the first server: this one, whatever port it has.
        byte[] document = text.replace(DEFAULT_SERVER, "url: " + self).getBytes(StandardCharsets.UTF_8);
        return new ApiDocs(document, WEBJAR + webjarVersion() + "/");
    }

    /** The answer when the request is for the document or the page; empty for anything else. */
    Optional<Response> answer(Request request) {
        if (document == null) {
            return Optional.empty();
        }
        String path = request.rawPath();
        boolean read = request.method().equals("GET") || request.method().equals("HEAD");
        if (path.equals(DOCUMENT)) {
            return Optional.of(read ? new Response(200, Map.of("Content-Type", "application/yaml; charset=utf-8"),
                    document) : Response.message(405));
        }
        if (path.equals("/docs")) {
            return Optional.of(read ? new Response(308, Map.of("Location", PAGE), new byte[0])
                    : Response.message(405));
        }
        if (!path.startsWith(PAGE)) {
            return Optional.empty();
        }
        if (!read) {
            return Optional.of(Response.message(405));
        }
        String file = path.equals(PAGE) ? "index.html" : path.substring(PAGE.length());
        if (!FILE_NAME.matcher(file).matches()) {
            return Optional.of(Response.message(404));
        }
        byte[] content = webjarFile(file);
        if (content == null) {
            return Optional.of(Response.message(404));
        }
        if (file.equals("swagger-initializer.js")) {
            // The package's own initializer, pointed at this document instead of its demo.
            content = new String(content, StandardCharsets.UTF_8)
                    .replace("https://petstore.swagger.io/v2/swagger.json", DOCUMENT)
                    .getBytes(StandardCharsets.UTF_8);
        }
        String extension = file.substring(file.lastIndexOf('.') + 1);
        return Optional.of(new Response(200, Map.of("Content-Type",
                CONTENT_TYPES.getOrDefault(extension, "application/octet-stream")), content));
    }

    private byte[] webjarFile(String file) {
        try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(webjarDirectory + file)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String webjarVersion() {
        try (InputStream in = ApiDocs.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is not on the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
