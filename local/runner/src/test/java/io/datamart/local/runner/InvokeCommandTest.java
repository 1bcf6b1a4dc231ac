package io.datamart.local.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.Json;
import io.datamart.local.ProjectFiles;
import io.datamart.local.TemplateModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bin/invoke: `sam local invoke` without a container. Every file in events/ runs
 * through the function template.yaml routes it to, loaded from its built jar; the
 * response is the only thing on stdout.
 */
class InvokeCommandTest {
    private static final String CREATE_EVENT = "events/create/http-api.json";

    record Run(int exitCode, String stdout, String stderr) {
        JsonNode response() throws IOException {
            return Json.MAPPER.readTree(stdout);
        }
    }

    static Run invoke(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = Stream.concat(Stream.of("invoke"), Stream.of(args)).toArray(String[]::new);
        int exit = LocalCli.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Every sample event with the function whose route it targets, read from the template. */
    static Stream<String[]> sampleEvents() throws IOException {
        TemplateModel template = TemplateModel.load(ProjectFiles.template());
        try (Stream<Path> files = Files.walk(ProjectFiles.events())) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().map(file -> {
                JsonNode event = read(file);
                String routeKey = event.has("routeKey") ? event.path("routeKey").asText()
                        : event.path("httpMethod").asText() + " " + event.path("resource").asText();
                String function = template.routes().stream().filter(r -> r.routeKey().equals(routeKey))
                        .findFirst().orElseThrow(() -> new AssertionError(file + ": no route " + routeKey))
                        .functionId();
                return new String[] {function, ProjectFiles.root().relativize(file).toString()};
            }).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sampleEvents")
    void runsEverySampleEventThroughItsFunction(String function, String eventFile, @TempDir Path dataDir)
            throws IOException {
        boolean needsTheDatamart = !eventFile.startsWith("events/create/");
        if (needsTheDatamart) {
            Run created = invoke("CreateDatamartFunction", path(CREATE_EVENT), "--data-dir", dataDir.toString(),
                    "--template", ProjectFiles.template().toString(), "--seed", ProjectFiles.seed().toString());
            assertEquals(0, created.exitCode(), created.stderr());
        }
        Run run = invoke(function, path(eventFile), "--data-dir", dataDir.toString(),
                "--template", ProjectFiles.template().toString(), "--seed", ProjectFiles.seed().toString());

        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode response = run.response();
        assertEquals(200, response.path("statusCode").asInt(), run.stdout());
        JsonNode body = Json.MAPPER.readTree(response.path("body").asText());
        if (body.has("id")) {
            assertEquals("sales-analytics", body.path("id").asText());
        } else {
            assertTrue(body.path("data").isArray() || body.path("data").path("name").asText().equals("sales-analytics"),
                    run.stdout());
        }
        assertEquals(eventFile.contains("legacy"), response.path("headers").has("Deprecation"), run.stdout());
        assertTrue(run.stderr().contains("\"AWSRequestId\""), "the function's logs go to stderr");
    }

    @Test
    void failsLikeLambdaWhenTheTemplateNamesAMissingHandler(@TempDir Path dir) throws IOException {
        Path template = dir.resolve("template.yaml");
        String broken = Files.readString(ProjectFiles.template()).replace(
                "io.datamart.functions.create.CreateDatamartHandler::handleRequest",
                "io.datamart.functions.create.CreateDatamartHandlr::handleRequest");
        Files.writeString(template, broken.replace("CodeUri: functions/", "CodeUri: " + ProjectFiles.root() + "/functions/"));

        Run run = invoke("CreateDatamartFunction", path(CREATE_EVENT), "--template", template.toString(),
                "--seed", ProjectFiles.seed().toString());

        assertEquals(LocalCli.CONFIGURATION_ERROR, run.exitCode());
        assertTrue(run.stderr().contains("CreateDatamartHandlr"), run.stderr());
        assertEquals("", run.stdout());
    }

    @Test
    void failsWhenTheTemplateNamesAMissingMethod(@TempDir Path dir) throws IOException {
        Path template = dir.resolve("template.yaml");
        String broken = Files.readString(ProjectFiles.template()).replace(
                "CreateDatamartHandler::handleRequest", "CreateDatamartHandler::handle");
        Files.writeString(template, broken.replace("CodeUri: functions/", "CodeUri: " + ProjectFiles.root() + "/functions/"));

        Run run = invoke("CreateDatamartFunction", path(CREATE_EVENT), "--template", template.toString(),
                "--seed", ProjectFiles.seed().toString());

        assertEquals(LocalCli.CONFIGURATION_ERROR, run.exitCode());
        assertTrue(run.stderr().contains("no public handle(InputStream, OutputStream, Context)"), run.stderr());
    }

    @Test
    void failsWhenCodeUriPointsAtNothing(@TempDir Path dir) throws IOException {
        Path template = dir.resolve("template.yaml");
        Files.writeString(template, Files.readString(ProjectFiles.template()));

        Run run = invoke("CreateDatamartFunction", path(CREATE_EVENT), "--template", template.toString(),
                "--seed", ProjectFiles.seed().toString());

        assertEquals(LocalCli.CONFIGURATION_ERROR, run.exitCode());
        assertTrue(run.stderr().contains("CodeUri") && run.stderr().contains("does not exist"), run.stderr());
    }

    @Test
    void refusesAnUnknownFunction() {
        Run run = invoke("NoSuchFunction", path(CREATE_EVENT), "--template", ProjectFiles.template().toString(),
                "--seed", ProjectFiles.seed().toString());

        assertEquals(LocalCli.CONFIGURATION_ERROR, run.exitCode());
        assertTrue(run.stderr().contains("NoSuchFunction is not a function"), run.stderr());
        assertTrue(run.stderr().contains("CreateDatamartFunction"), "lists the functions there are");
    }

    @Test
    void stopsOnAMalformedSeedSayingWhereAndWhat(@TempDir Path dir) throws IOException {
        Path seed = dir.resolve("seed.json");
        Files.writeString(seed, """
                {"organizations": [{"id": "demo", "serviceTokens": ["t"],
                  "datasources": [{"name": "postgres-main", "tables": [{"name": "orders", "colums": []}]}]}]}""");

        Run run = invoke("CreateDatamartFunction", path(CREATE_EVENT), "--template", ProjectFiles.template().toString(),
                "--seed", seed.toString());

        assertEquals(LocalCli.CONFIGURATION_ERROR, run.exitCode());
        assertTrue(run.stderr().contains(seed.toString()), run.stderr());
        assertTrue(run.stderr().contains("organizations[0].datasources[0].tables[0].colums is not a known field"),
                run.stderr());
    }

    private static String path(String relative) {
        return ProjectFiles.root().resolve(relative).toString();
    }

    private static JsonNode read(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
