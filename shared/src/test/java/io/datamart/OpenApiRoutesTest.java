package io.datamart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.Route;
import io.datamart.local.TemplateModel;
import io.datamart.testing.OpenApiDocument;
import io.datamart.testing.Template;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * docs/openapi.yaml against what is deployed and what the code serves: the same routes
 * as template.yaml and {@link Route}, legacy ones marked and answering with their
 * deprecation headers, the writes taking an Idempotency-Key.
 */
class OpenApiRoutesTest {
    private static final OpenApiDocument DOCUMENT = OpenApiDocument.checkout();

    @Test
    void documentsExactlyTheRoutesTemplateYamlWires() {
        Set<String> wired = Template.load().routes().stream().map(TemplateModel.RouteDefinition::routeKey)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(wired, DOCUMENT.routeKeys());
    }

    @Test
    void documentsExactlyTheRoutesOfTheRouteTable() {
        Set<String> served = Arrays.stream(Route.values()).map(route -> route.method() + " " + route.path())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(served, DOCUMENT.routeKeys());
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void aLegacyRouteIsDeprecatedAndEveryAnswerOfItCarriesTheDeprecationHeaders(Route route) {
        JsonNode operation = DOCUMENT.operation(route.method(), route.path());
        assertEquals(route.legacy(), operation.path("deprecated").asBoolean(false), route::name);
        operation.path("responses").properties().forEach(response -> {
            Set<String> headers = new TreeSet<>();
            DOCUMENT.resolve(response.getValue()).path("headers").properties().forEach(header -> {
                if (DOCUMENT.resolve(header.getValue()).path("required").asBoolean()) {
                    headers.add(header.getKey());
                }
            });
            String where = route + " " + response.getKey() + " requires " + headers;
            assertEquals(route.legacy(), headers.containsAll(List.of("Deprecation", "Link")), where);
            assertEquals(route.legacy(), headers.contains("Deprecation") || headers.contains("Link"), where);
        });
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void theWritesAndOnlyTheWritesTakeAnIdempotencyKey(Route route) {
        JsonNode operation = DOCUMENT.operation(route.method(), route.path());
        boolean takesKey = DOCUMENT.parameters(operation).stream().anyMatch(parameter ->
                "header".equals(parameter.path("in").asText())
                        && "Idempotency-Key".equals(parameter.path("name").asText()));
        assertEquals(route.operation().writes(), takesKey, route::name);
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void aRouteTakesABodyExactlyWhenItsCodeReadsOne(Route route) {
        JsonNode body = DOCUMENT.resolve(DOCUMENT.operation(route.method(), route.path()).path("requestBody"));
        assertEquals(route.takesBody(), body.path("required").asBoolean(false), route::name);
        assertTrue(route.takesBody() || body.isMissingNode(), route::name);
    }
}
