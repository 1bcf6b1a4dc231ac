package io.datamart.local.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.Json;
import io.datamart.local.ProjectFiles;
import io.datamart.local.SqsEventRecords;
import io.datamart.local.TemplateModel;
import io.datamart.local.TemplateModel.FunctionDefinition;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Makefile's targets run the way `sam build --parallel` runs them: every
 * {@code build-<LogicalId>} at once, each its own make process with its own ARTIFACTS_DIR
 * in the environment, on a copy of the project (what SAM copies: all but .git and .aws-sam)
 * with a fresh Maven build due. Then each function's artifact runs one sample event in a
 * fresh JVM whose classpath is Lambda's for a zip, {@code /var/task:/var/task/lib/*}, against
 * moto.
 */
class SamBuildTargetsTest {
    /** One sample per function that needs no data but the seed's (update and delete get a create first). */
    private static final Map<String, String> EVENTS = Map.of(
            "CreateDatamartFunction", "events/create/http-api.json",
            "UpdateDatamartFunction", "events/update/http-api.json",
            "DeleteDatamartFunction", "events/delete/http-api.json",
            "ReadDatamartsFunction", "events/read/http-api-list.json",
            "ProvisionDatamartsFunction", "events/provision/sqs-create.json",
            "ForwardProvisioningEventsFunction", "events/forward/eventbridge-create.json",
            "PublishDatamartChangesFunction", "events/changes/stream-created.json");
    private static final String CREATE = "CreateDatamartFunction";
    /** What the Makefile says when, and only when, it starts Maven. */
    private static final String MAVEN_STARTS = "Building the functions' jars";

    record Make(int exitCode, String output) {
    }

    @TempDir
    static Path work;
    private LocalEnvironment environment;
    private static final Map<String, Make> MAKES = new LinkedHashMap<>();

    @BeforeAll
    static void buildEveryTargetAtOnce() throws Exception {
        Path sources = work.resolve("sources");
        copyAsSamDoes(ProjectFiles.root(), sources);
        Map<String, Process> running = new LinkedHashMap<>();
        for (String id : ids()) {
            ProcessBuilder make = new ProcessBuilder("make", "--makefile", sources.resolve("Makefile").toString(),
                    "build-" + id).directory(sources.toFile()).redirectErrorStream(true);
            make.environment().put("ARTIFACTS_DIR", artifacts(id).toString());
            make.environment().put("MAVEN_FLAGS", mavenFlags());
            Files.createDirectories(artifacts(id));
            running.put(id, make.start());
        }
        for (Map.Entry<String, Process> make : running.entrySet()) {
            String output = new String(make.getValue().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            MAKES.put(make.getKey(), new Make(make.getValue().waitFor(), output));
        }
    }

    /** Moto afresh for each function, so one's sample cannot spoil another's. */
    @BeforeEach
    void startLocalAws() {
        environment = LocalEnvironment.start(ProjectFiles.template(), ProjectFiles.seed(), null,
                new PrintStream(PrintStream.nullOutputStream()));
    }

    @AfterEach
    void stopLocalAws() {
        if (environment != null) {
            environment.close();
        }
    }

    static Set<String> ids() {
        return TemplateModel.load(ProjectFiles.template()).functions().keySet();
    }

    static Stream<String> functions() {
        return ids().stream();
    }

    private static Path artifacts(String id) {
        return work.resolve("artifacts").resolve(id);
    }

    /**
     * Offline, on the local repository of the build running the tests: that build has fetched
     * all that packaging the functions needs, so the test reaches no network.
     */
    private static String mavenFlags() {
        return "-o -Dmaven.repo.local=" + System.getProperty("datamart.maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
    }

    /** Everything but what SAM's makefile workflow leaves out, and this project's own finished sam build. */
    private static void copyAsSamDoes(Path from, Path to) throws IOException {
        Path stamp = from.resolve("target");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = from.relativize(file);
                String first = relative.getNameCount() == 0 ? "" : relative.getName(0).toString();
                if (first.equals(".git") || first.equals(".aws-sam")
                        || (file.getParent() != null && file.getParent().equals(stamp)
                                && file.getFileName().toString().startsWith("sam-build."))) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Test
    void hasASampleEventForEveryFunction() {
        assertEquals(ids(), EVENTS.keySet());
    }

    @Test
    void runsMavenOnceForAllTargetsBuiltTogether() {
        MAKES.forEach((id, make) -> assertEquals(0, make.exitCode(), () -> "build-" + id + ":\n" + make.output()));
        List<String> builtBy = MAKES.entrySet().stream().filter(make -> make.getValue().output().contains(MAVEN_STARTS))
                .map(Map.Entry::getKey).toList();
        assertEquals(1, builtBy.size(), () -> "Maven ran for " + builtBy);
    }

    @ParameterizedTest
    @MethodSource("functions")
    void putsTheFunctionsJarInLibWhereItsHandlerRunsAnEvent(String id) throws Exception {
        Make make = MAKES.get(id);
        assertEquals(0, make.exitCode(), () -> "build-" + id + ":\n" + make.output());
        FunctionDefinition function = environment.template().functions().get(id);
        try (Stream<Path> files = Files.walk(artifacts(id))) {
            assertEquals(List.of("lib/" + function.code().getFileName()), files.filter(Files::isRegularFile)
                    .map(file -> artifacts(id).relativize(file).toString()).toList(), "what Lambda gets");
        }
        String event = EVENTS.get(id);
        if (event.matches("events/(update|delete)/.*")) {
            assertSucceeded(invoke(CREATE, EVENTS.get(CREATE)));
        }

        assertSucceeded(invoke(id, event));
    }

    /** A 2xx answer from an API function; no failed record from a batch one. */
    private static void assertSucceeded(JsonNode response) {
        if (response.has("statusCode")) {
            assertEquals(2, response.path("statusCode").asInt() / 100, response::toString);
        } else {
            assertEquals(List.of(), SqsEventRecords.failedIds(response), response::toString);
        }
    }

    /** The event through the handler loaded from the function's artifact alone, in a JVM of its own. */
    private JsonNode invoke(String id, String event) throws Exception {
        FunctionDefinition function = environment.template().functions().get(id);
        Path artifact = artifacts(id);
        Path response = work.resolve(id + "-response.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String invocationClasses = FreshJvmInvocation.class.getProtectionDomain().getCodeSource().getLocation()
                .getPath();
        String lambdaClasspath = artifact + File.pathSeparator + artifact.resolve("lib") + File.separator + "*";
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", lambdaClasspath + File.pathSeparator
                + invocationClasses, FreshJvmInvocation.class.getName(), function.handler().split("::")[0],
                ProjectFiles.root().resolve(event).toString(), response.toString())
                .redirectErrorStream(true);
        builder.environment().putAll(environment.functionEnvironment(function));
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        return Json.MAPPER.readTree(Files.readString(response));
    }
}
