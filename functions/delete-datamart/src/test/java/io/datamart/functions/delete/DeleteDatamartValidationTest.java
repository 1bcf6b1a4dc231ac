package io.datamart.functions.delete;

import static io.datamart.testing.Fixtures.DEMO_ORG;
import static io.datamart.testing.Fixtures.DEMO_TOKEN;
import static io.datamart.testing.HandlerAssertions.assertDeprecation;
import static io.datamart.testing.HandlerAssertions.assertError;
import static io.datamart.testing.HandlerAssertions.assertErrorMentioning;
import static io.datamart.testing.HandlerAssertions.assertNothingChanged;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.HandlerChecks;
import io.datamart.testing.MalformedBody;
import io.datamart.testing.StoredDatamarts;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Delete's rejections: no datamart named, a malformed legacy body. Each a 400 that deletes nothing. */
class DeleteDatamartValidationTest {
    private static final String LEGACY_BODY = "{\"datamartName\": \"sales-analytics\"}";

    @RegisterExtension
    static final FunctionUnderTest<DeleteDatamartHandler> function = FunctionUnderTest.of("DeleteDatamartFunction",
            f -> new DeleteDatamartHandler(f.api()))
            .seeded(StoredDatamarts::seedDocumented);

    /** (payload, route, a call that names no datamart). */
    static Stream<Arguments> requestsWithoutADatamartName() {
        List<Arguments> cases = new ArrayList<>();
        for (Payload payload : Payload.values()) {
            for (DeleteRoute route : new DeleteRoute[] {DeleteRoute.COLLECTION, DeleteRoute.ALIAS}) {
                add(cases, payload, route, "no query string", call -> call);
                add(cases, payload, route, "datamartName=", call -> call.query("datamartName", ""));
                add(cases, payload, route, "datamartName of spaces", call -> call.query("datamartName", "   "));
                add(cases, payload, route, "datamartName of a tab", call -> call.query("datamartName", "\t"));
                add(cases, payload, route, "another parameter only", call -> call.query("name", "sales-analytics"));
                add(cases, payload, route, "the name in a body instead of the query", call -> call.json(LEGACY_BODY));
            }
            DeleteRoute legacy = DeleteRoute.LEGACY;
            add(cases, payload, legacy, "{}", call -> call.json("{}"));
            add(cases, payload, legacy, "empty datamartName", call -> call.json("{\"datamartName\": \"\"}"));
            add(cases, payload, legacy, "blank datamartName", call -> call.json("{\"datamartName\": \"  \"}"));
            add(cases, payload, legacy, "null datamartName", call -> call.json("{\"datamartName\": null}"));
            add(cases, payload, legacy, "name in the query instead of the body",
                    call -> call.query("datamartName", "sales-analytics").json("{}"));
        }
        return cases.stream();
    }

    private static void add(List<Arguments> cases, Payload payload, DeleteRoute route, String name,
            UnaryOperator<ApiCall> build) {
        cases.add(Arguments.of(payload, route, Named.of(name, build)));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("requestsWithoutADatamartName")
    void aMissingOrEmptyDatamartNameIsRequired(Payload payload, DeleteRoute route, UnaryOperator<ApiCall> build) {
        ApiResult result = assertNothingChanged(function.db(), () -> build.apply(ApiCall.to(payload, route.method,
                route.path)
                .bearer(DEMO_TOKEN)).invoke(function.handler()));

        assertError(result, 400, "INVALID_REQUEST_BODY", "datamartName is required");
        assertDeprecation(result, route.legacy);
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aDatamartNameGivenTwiceIsAnInvalidRequest(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.to(payload, "DELETE",
                DeleteRoute.COLLECTION.path)
                .bearer(DEMO_TOKEN).query("datamartName", "sales-analytics").query("datamartName", "other")
                .invoke(function.handler()));

        assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "datamartName");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.datamart.testing.HandlerChecks#payloadsAndMalformedBodies")
    void aMalformedLegacyBodyIsAnInvalidRequestBody(Payload payload, MalformedBody body) {
        ApiResult result = HandlerChecks.assertMalformedBodyRejected(function.db(), function.handler(),
                ApiCall.to(payload, DeleteRoute.LEGACY.method, DeleteRoute.LEGACY.path).bearer(DEMO_TOKEN), body,
                LEGACY_BODY);

        assertDeprecation(result, true);
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aLegacyBodyWithAnUnknownFieldIsAnInvalidRequestBody(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.to(payload, "POST",
                DeleteRoute.LEGACY.path)
                .bearer(DEMO_TOKEN).json("{\"datamartName\": \"sales-analytics\", \"force\": true}")
                .invoke(function.handler()));

        assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "force");
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void aLegacyDatamartNameThatIsNotAStringIsAnInvalidRequestBody(Payload payload) {
        ApiResult result = assertNothingChanged(function.db(), () -> ApiCall.to(payload, "POST",
                DeleteRoute.LEGACY.path)
                .bearer(DEMO_TOKEN).json("{\"datamartName\": [\"sales-analytics\"]}").invoke(function.handler()));

        assertErrorMentioning(result, 400, "INVALID_REQUEST_BODY", "datamartName");
        assertNotNull(function.db().rawDatamart(DEMO_ORG, "sales-analytics"));
    }
}
