package io.datamart.functions.create;

import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ?dryRun=true} on create: the real request's answer, success or error, with
 * {@code Dry-Run: true}, and nothing written: no datamart, so no change event, and no
 * idempotency record.
 */
class CreateDatamartDryRunTest {
    @RegisterExtension
    static final FunctionUnderTest<CreateDatamartHandler> function = FunctionUnderTest.of("CreateDatamartFunction",
            f -> new CreateDatamartHandler(f.api()));

    private static String newName() {
        return "dry-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ApiCall create(String route, ObjectNode body) {
        return ApiCall.to(Payload.HTTP_API, "POST", route).bearer(DEMO_TOKEN).json(body.toString());
    }

    /** The bodies a dry run must answer exactly as the real create does. */
    static Stream<Arguments> cases() {
        UnaryOperator<ObjectNode> valid = body -> body;
        UnaryOperator<ObjectNode> unknownColumn = body -> {
            ((ObjectNode) body.path("tableList").path(0).path("columns").path(0)).put("name", "no_such_column");
            return body;
        };
        UnaryOperator<ObjectNode> unknownDatasource = body -> body.put("datasourceName", "no-such-datasource");
        UnaryOperator<ObjectNode> brokenField = body -> body.put("isHidden", 3);
        return Stream.of(CreateDatamartHandlerTest.NEW_ROUTE, CreateDatamartHandlerTest.LEGACY_ROUTE)
                .flatMap(route -> Stream.of(Arguments.of(route, "valid", valid),
                        Arguments.of(route, "a column the datasource lacks", unknownColumn),
                        Arguments.of(route, "no such datasource", unknownDatasource),
                        Arguments.of(route, "an unknown field", brokenField)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void answersAsTheRealCreateWouldAndWritesNothing(String route, String what, UnaryOperator<ObjectNode> change) {
        String name = newName();
        ObjectNode body = change.apply(Fixtures.createBody(name));

        ApiResult dry = assertNothingChanged(function.db(), () -> create(route, body).query("dryRun", "true")
                .header("Idempotency-Key", UUID.randomUUID().toString()).invoke(function.handler()));
        ApiResult real = create(route, body).invoke(function.handler());

        assertEquals("true", dry.header("Dry-Run"), dry::toString);
        assertNull(real.header("Dry-Run"), real::toString);
        assertEquals(real.status(), dry.status(), () -> "dry " + dry + " real " + real);
        assertEquals(real.body(), dry.body());
    }

    @Test
    void aTakenNameIsRefusedAsTheRealCreateRefusesIt() {
        String name = newName();
        StoredDatamarts.seed(function.db(), DEMO_ORG, Fixtures.createBody(name));

        ApiResult dry = assertNothingChanged(function.db(), () -> create(CreateDatamartHandlerTest.NEW_ROUTE,
                Fixtures.createBody(name)).query("dryRun", "true").invoke(function.handler()));
        ApiResult real = create(CreateDatamartHandlerTest.NEW_ROUTE, Fixtures.createBody(name))
                .invoke(function.handler());

        assertEquals(400, dry.status(), dry::toString);
        assertEquals(real.body(), dry.body());
        assertEquals("true", dry.header("Dry-Run"));
    }

    @Test
    void theKeyOfADryRunStaysFreeForTheRealRequest() {
        String name = newName();
        String key = UUID.randomUUID().toString();
        ApiResult dry = create(CreateDatamartHandlerTest.NEW_ROUTE, Fixtures.createBody(name))
                .query("dryRun", "true").header("Idempotency-Key", key).invoke(function.handler());
        assertEquals(200, dry.status(), dry::toString);
        assertNull(function.db().rawDatamart(DEMO_ORG, name));

        ApiResult real = create(CreateDatamartHandlerTest.NEW_ROUTE, Fixtures.createBody(name))
                .header("Idempotency-Key", key).invoke(function.handler());

        assertEquals(200, real.status(), real::toString);
        assertNull(real.header("Idempotent-Replayed"), "the real request ran, nothing was replayed");
        assertNotNull(function.db().rawDatamart(DEMO_ORG, name));
    }

    @Test
    void dryRunFalseIsTheRealRequest() {
        String name = newName();
        ApiResult real = create(CreateDatamartHandlerTest.NEW_ROUTE, Fixtures.createBody(name))
                .query("dryRun", "false").invoke(function.handler());
        assertEquals(200, real.status(), real::toString);
        assertNull(real.header("Dry-Run"));
        assertNotNull(function.db().rawDatamart(DEMO_ORG, name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "TRUE", "1", ""})
    void anythingButTrueOrFalseIsRefusedWithoutWriting(String value) {
        String name = newName();
        ApiResult refused = assertNothingChanged(function.db(), () -> create(CreateDatamartHandlerTest.NEW_ROUTE,
                Fixtures.createBody(name)).query("dryRun", value).invoke(function.handler()));
        assertEquals(400, refused.status(), refused::toString);
        assertEquals("INVALID_REQUEST_BODY", refused.errorCode());
        assertEquals("dryRun must be given once, as true or false", refused.details().get("dryRun"));
    }
}
