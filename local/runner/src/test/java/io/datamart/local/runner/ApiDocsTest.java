package io.datamart.local.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What bin/local-api serves beside the template's routes: the API's description and Swagger UI. */
class ApiDocsTest {
    @RegisterExtension
    static final RunningLocalApi api = RunningLocalApi.server();

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheDescriptionWithThisServerFirst() throws Exception {
        HttpResponse<String> document = send("GET", "/openapi.yaml");
        assertEquals(200, document.statusCode());
        assertTrue(document.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));
        String servers = document.body().substring(document.body().indexOf("\nservers:"));
        assertTrue(servers.startsWith("\nservers:\n  - url: " + api.url() + "\n"), servers.substring(0, 80));
    }

    @Test
    void servesSwaggerUiPointedAtTheDescription() throws Exception {
        HttpResponse<String> page = send("GET", "/docs");
        assertEquals(308, page.statusCode());
        assertEquals("/docs/", page.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> index = send("GET", "/docs/");
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("swagger-ui-bundle.js"), index.body());
        HttpResponse<String> initializer = send("GET", "/docs/swagger-initializer.js");
        assertTrue(initializer.body().contains("url: \"/openapi.yaml\""), initializer.body());
        assertTrue(initializer.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/docs/../pom.xml", "/docs/missing.js", "/docs/%2e%2e/pom.xml", "/docs/a/b.js"})
    void answersNotFoundForAnythingButThePackagesOwnFiles(String path) throws Exception {
        assertEquals(404, send("GET", path).statusCode(), path);
    }

    @Test
    void refusesWritesToThePages() throws Exception {
        assertEquals(405, send("POST", "/openapi.yaml").statusCode());
        assertEquals(405, send("PUT", "/docs/index.html").statusCode());
    }
}
