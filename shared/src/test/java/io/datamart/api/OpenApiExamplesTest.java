package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Databases;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.OpenApiDocument;
import io.datamart.testing.OpenApiDocument.DocumentedRequest;
import io.datamart.testing.StoredDatamarts;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request docs/openapi.yaml shows is one the API accepts: it fits the document's
 * own request schema, and the real handler answers it with a success. Each runs on
 * fresh tables, where the documented datamart already exists for all but a create.
 */
class OpenApiExamplesTest {
    private static final OpenApiDocument DOCUMENT = OpenApiDocument.checkout();

    static List<DocumentedRequest> documentedRequests() {
        return DOCUMENT.documentedRequests();
    }

    @Test
    void everyRouteShowsAtLeastOneRequest() {
        Set<String> shown = documentedRequests().stream().map(r -> r.method() + " " + r.path())
                .collect(Collectors.toSet());
        assertEquals(DOCUMENT.routeKeys(), shown);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedRequests")
    void aDocumentedRequestFitsItsSchemaAndIsAccepted(DocumentedRequest documented) {
        if (documented.body() != null) {
            assertEquals(List.of(), DOCUMENT.requestBodyViolations(documented.method(), documented.path(),
                    documented.body()), documented.title());
        }
        Route route = Route.find(EnumSet.allOf(Operation.class), documented.method(), documented.path())
                .orElseThrow(() -> new AssertionError("no route for " + documented));
        LocalDynamoDb db = Databases.fresh();
        if (route.operation() != Operation.CREATE) {
            StoredDatamarts.seedDocumented(db);
        }
        ApiGatewayHandler handler = Fixtures.api(db).handler(route.operation());

        ApiResult result = call(documented).invoke(handler::handle);

        assertTrue(result.status() >= 200 && result.status() < 300, documented + ": " + result);
    }

    private static ApiCall call(DocumentedRequest documented) {
        ApiCall call = ApiCall.httpApi(documented.method(), documented.path()).bearer(Fixtures.DEMO_TOKEN);
        documented.pathParameters().forEach(call::pathParameter);
        documented.query().forEach(call::query);
        documented.headers().forEach(call::header);
        if (documented.body() != null) {
            call.json(documented.body().toString());
        }
        return call;
    }
}
