package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.datamart.testing.EventFiles;
import io.datamart.local.ProjectFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The files in events/ are what `sam local invoke -e` feeds the functions, so they must
 * be events API Gateway really sends. Each is read with the official event models of
 * aws-lambda-java-events (through aws-lambda-java-tests' EventLoader) and must agree
 * with what our own parser sees: a route of the function whose folder it is in.
 */
class SampleEventsTest {
    /** events/ has one folder per function, named after its module. */
    private static final Map<String, Set<Operation>> FUNCTION_FOLDERS = Map.of(
            "create", EnumSet.of(Operation.CREATE),
            "update", EnumSet.of(Operation.UPDATE),
            "delete", EnumSet.of(Operation.DELETE),
            "read", EnumSet.of(Operation.LIST, Operation.GET));

    /** The folders of the queue-, bus- and stream-driven functions, whose own tests check their samples. */
    private static final Set<String> EVENT_DRIVEN_FOLDERS = Set.of("provision", "forward", "changes");

    static Stream<Path> sampleEvents() throws IOException {
        try (Stream<Path> folders = Files.list(ProjectFiles.events())) {
            List<Path> all = folders.filter(Files::isDirectory).sorted()
                    .filter(folder -> !EVENT_DRIVEN_FOLDERS.contains(folder.getFileName().toString()))
                    .flatMap(folder -> EventFiles.in(folder.getFileName().toString()).stream()).toList();
            return all.stream();
        }
    }

    @org.junit.jupiter.api.Test
    void everyFolderOfEventsBelongsToAFunction() throws IOException {
        try (Stream<Path> folders = Files.list(ProjectFiles.events())) {
            Set<String> names = folders.filter(Files::isDirectory).map(f -> f.getFileName().toString())
                    .collect(java.util.stream.Collectors.toSet());
            Set<String> known = new java.util.HashSet<>(FUNCTION_FOLDERS.keySet());
            known.addAll(EVENT_DRIVEN_FOLDERS);
            assertEquals(known, names);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleEvents")
    void everySampleEventIsAnApiGatewayEventForARouteOfItsFunction(Path file) throws IOException {
        String json = EventFiles.read(file);
        ApiRequest parsed = ApiEventParser.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        String folder = file.getParent().getFileName().toString();
        Set<Operation> operations = FUNCTION_FOLDERS.get(folder);
        assertNotNull(operations, "events/" + folder + " is not the folder of a function");
        Route route = Route.find(operations, parsed.method(), parsed.path()).orElse(null);
        assertNotNull(route, file + " targets " + parsed.method() + " " + parsed.path()
                + ", which is not a route of " + operations);

        String relative = ProjectFiles.events().relativize(file).toString();
        if (json.contains("\"version\": \"2.0\"") || json.contains("\"version\":\"2.0\"")) {
            APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(file.toAbsolutePath().toString());
            assertEquals(route.method() + " " + route.path(), event.getRouteKey(), relative);
            assertEquals(route.method(), event.getRequestContext().getHttp().getMethod(), relative);
            assertTrue(event.getHeaders().keySet().stream().allMatch(h -> h.equals(h.toLowerCase())),
                    relative + ": HTTP API sends header names in lower case");
        } else {
            APIGatewayProxyRequestEvent event = EventLoader.loadApiGatewayRestEvent(file.toAbsolutePath().toString());
            assertEquals(route.method(), event.getHttpMethod(), relative);
            assertEquals(route.path(), event.getResource(), relative);
        }
        if (route.takesBody()) {
            assertNotNull(parsed.body(), relative + " needs a body");
            assertEquals("application/json", parsed.header("Content-Type"), relative);
        }
        assertEquals("Bearer dbn_live_local_demo_token", parsed.header("AUTHORIZATION"), relative);
    }
}
