package io.datamart.local.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.Json;
import io.datamart.local.ProjectFiles;
import io.datamart.local.TemplateModel.FunctionDefinition;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A cold start of a function's deployment jar in a fresh JVM, as Lambda runs it: every
 * line it prints, on standard output or error, is one JSON object (no plain-text SLF4J
 * warning, nothing else), and the first invocation records a cold start metric.
 */
class ColdStartOutputTest {
    private static LocalEnvironment environment;

    @BeforeAll
    static void startLocalAws() {
        environment = LocalEnvironment.start(ProjectFiles.template(), ProjectFiles.seed(), null,
                new PrintStream(PrintStream.nullOutputStream()));
    }

    @AfterAll
    static void stopLocalAws() {
        if (environment != null) {
            environment.close();
        }
    }

    @ParameterizedTest
    @CsvSource({
        "CreateDatamartFunction, events/create/http-api.json",
        "ProvisionDatamartsFunction, events/provision/sqs-create.json",
        "PublishDatamartChangesFunction, events/changes/stream-created.json"})
    void printsOnlyJsonLinesAndRecordsTheColdStart(String functionId, String event) throws Exception {
        FunctionDefinition function = environment.template().functions().get(functionId);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String invocationClasses = FreshJvmInvocation.class.getProtectionDomain().getCodeSource().getLocation()
                .getPath();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp",
                function.code() + File.pathSeparator + invocationClasses, FreshJvmInvocation.class.getName(),
                function.handler().split("::")[0], ProjectFiles.root().resolve(event).toString())
                .redirectErrorStream(true);
        builder.environment().putAll(environment.functionEnvironment(function));
        builder.environment().remove("JAVA_TOOL_OPTIONS"); // a shell's own would print a plain-text line
        Process process = builder.start();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines().toList();
        assertEquals(0, process.waitFor(), () -> String.join("\n", lines));

        assertFalse(lines.isEmpty(), "the function logged its invocation");
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = Json.MAPPER.readTree(line);
            assertTrue(node != null && node.isObject(), () -> "a line that is not one JSON object: " + line);
            parsed.add(node);
        }
        assertTrue(parsed.stream().anyMatch(line -> functionId.equals(line.path("Function").asText())
                && line.path("ColdStarts").asInt() == 1 && line.has("_aws")), () -> "a cold start metric: " + lines);
    }
}
