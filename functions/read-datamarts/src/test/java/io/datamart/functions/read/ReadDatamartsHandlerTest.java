package io.datamart.functions.read;

import static io.datamart.testing.HandlerAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.testing.ApiCall;
import io.datamart.persistence.TableNames;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.BadCredentials;
import io.datamart.testing.EventFiles;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.Failures;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.HandlerAssertions;
import io.datamart.testing.HandlerChecks;
import io.datamart.testing.StoredDatamarts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** List Datamarts and Get Datamart through the real handler, on the test AWS. */
class ReadDatamartsHandlerTest {
    private static final String LIST = "/api/v2/data-app/datamarts";
    private static final String GET = "/api/v2/data-app/datamarts/{name}";

    @RegisterExtension
    static final FunctionUnderTest<ReadDatamartsHandler> function = FunctionUnderTest.of("ReadDatamartsFunction",
            f -> new ReadDatamartsHandler(f.api()));

    private ApiCall list(Payload payload) {
        return ApiCall.to(payload, "GET", LIST).bearer(Fixtures.DEMO_TOKEN);
    }

    private ApiCall get(Payload payload, String name) {
        return ApiCall.to(payload, "GET", GET).pathParameter("name", name).bearer(Fixtures.DEMO_TOKEN);
    }

    private void seed(String organizationId, String... names) {
        for (String name : names) {
            StoredDatamarts.seed(function.db(), organizationId, Fixtures.createBody(name));
        }
    }

    private static List<String> names(ApiResult result) {
        List<String> names = new ArrayList<>();
        result.body().path("data").forEach(datamart -> names.add(datamart.path("name").asText()));
        return names;
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void getAnswersWithTheStoredVersionAsAStrongEntityTag(Payload payload) {
        seed(Fixtures.DEMO_ORG, "tagged");
        function.db().client().updateItem(request -> request.tableName(function.db().environment()
                        .get(TableNames.DATAMARTS_VARIABLE))
                .key(Map.of("organizationId", AttributeValue.fromS(Fixtures.DEMO_ORG), "name",
                        AttributeValue.fromS("tagged")))
                .updateExpression("SET version = :seven")
                .expressionAttributeValues(Map.of(":seven", AttributeValue.fromN("7"))));

        ApiResult result = get(payload, "tagged").invoke(function.handler());

        assertEquals(200, result.status(), result::toString);
        assertEquals("\"7\"", result.header("ETag"));
        assertEquals(7, result.body().path("data").path("version").asInt());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void getsADatamartExactlyAsItWasAccepted(Payload payload) {
        StoredDatamarts.seedDocumented(function.db());

        ApiResult result = get(payload, "sales-analytics").invoke(function.handler());

        assertEquals(200, result.status(), result::toString);
        assertTrue(result.body().get("error").isNull());
        ObjectNode data = (ObjectNode) result.body().path("data").deepCopy();
        assertEquals(1, data.remove("version").asInt());
        assertTrue(data.remove("createdAt").asText().endsWith("Z"));
        assertTrue(data.remove("updatedAt").asText().endsWith("Z"));
        ObjectNode expected = Fixtures.documentedCreateBody();
        ((ObjectNode) expected.path("tenancySettings")).putNull("primaryDatabase"); // stored as null for TABLE
        assertEquals(expected, data);
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void returnsNullForTheOptionalPartsADatamartDoesNotHave(Payload payload) {
        ObjectNode body = Fixtures.createBody("bare");
        body.remove("tenancySettings");
        body.remove("relationships");
        StoredDatamarts.seed(function.db(), Fixtures.DEMO_ORG, body);

        JsonNode data = get(payload, "bare").invoke(function.handler()).body().path("data");

        assertTrue(data.get("tenancySettings").isNull());
        assertTrue(data.get("relationships").isNull());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void getsANameWithSpacesSlashesAndNonAsciiCharacters(Payload payload) {
        seed(Fixtures.DEMO_ORG, "sales analytics/β+1");

        ApiResult result = get(payload, "sales analytics/β+1").invoke(function.handler());

        assertEquals(200, result.status(), result::toString);
        assertEquals("sales analytics/β+1", result.body().path("data").path("name").asText());
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void answersAMissingDatamartWithInvalidDatamart(Payload payload) {
        assertError(get(payload, "nothing-here").invoke(function.handler()), 400, "INVALID_DATAMART",
                "Datamart not found");
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void neverShowsAnotherOrganizationsDatamart(Payload payload) {
        seed(Fixtures.OTHER_ORG, "acme-only", "shared-name");
        seed(Fixtures.DEMO_ORG, "shared-name");

        assertError(get(payload, "acme-only").invoke(function.handler()), 400, "INVALID_DATAMART",
                "Datamart not found");
        assertEquals(List.of("shared-name"), names(list(payload).invoke(function.handler())));
        ApiResult acme = ApiCall.to(payload, "GET", LIST).bearer(Fixtures.OTHER_TOKEN).invoke(function.handler());
        assertEquals(List.of("acme-only", "shared-name"), names(acme));
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void listsAnEmptyOrganizationAsAnEmptyArray(Payload payload) {
        ApiResult result = list(payload).invoke(function.handler());
        assertEquals(200, result.status());
        assertEquals(HandlerAssertions.json("{\"data\": [], \"error\": null}"), result.body());
    }

    @Test
    void listsEverythingInNameOrderWithDetailsByDefault() {
        seed(Fixtures.DEMO_ORG, "b", "a", "c");

        ApiResult result = list(Payload.HTTP_API).invoke(function.handler());

        assertEquals(List.of("a", "b", "c"), names(result));
        JsonNode first = result.body().path("data").path(0);
        assertEquals("postgres-main", first.path("datasourceName").asText());
        assertEquals(1, first.path("version").asInt());
        assertEquals("orders", first.path("tableList").path(0).path("name").asText());
    }

    @Test
    void pagesTenAtATime() {
        String[] names = new String[23];
        for (int i = 0; i < names.length; i++) {
            names[i] = String.format("mart-%02d", i);
        }
        seed(Fixtures.DEMO_ORG, names);

        List<String> page1 = names(list(Payload.HTTP_API).query("isPagination", "true").invoke(function.handler()));
        List<String> page3 = names(list(Payload.HTTP_API).query("isPagination", "true").query("pageNumber", "3")
                .invoke(function.handler()));
        List<String> page4 = names(list(Payload.REST_API).query("isPagination", "true").query("pageNumber", "4")
                .invoke(function.handler()));
        List<String> unpaged = names(list(Payload.HTTP_API).query("isPagination", "false").query("pageNumber", "3")
                .invoke(function.handler()));

        assertEquals(List.of(names).subList(0, 10), page1);
        assertEquals(List.of("mart-20", "mart-21", "mart-22"), page3);
        assertEquals(List.of(), page4);
        assertEquals(23, unpaged.size(), "pageNumber means nothing without pagination");
    }

    @ParameterizedTest
    @EnumSource(Payload.class)
    void listsOnlyNamesAndTimestampsWithoutDetails(Payload payload) {
        seed(Fixtures.DEMO_ORG, "a");

        JsonNode first = list(payload).query("expandDetails", "false").invoke(function.handler()).body().path("data")
                .path(0);

        List<String> fields = new ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("name", "createdAt", "updatedAt"), fields);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "isPagination  | yes   | isPagination must be \"true\" or \"false\"",
        "isPagination  | TRUE  | isPagination must be \"true\" or \"false\"",
        "expandDetails | 0     | expandDetails must be \"true\" or \"false\"",
        "pageNumber    | 0     | pageNumber must be a whole number from 1 to 1000000",
        "pageNumber    | -1    | pageNumber must be a whole number from 1 to 1000000",
        "pageNumber    | 1.5   | pageNumber must be a whole number from 1 to 1000000",
        "pageNumber    | two   | pageNumber must be a whole number from 1 to 1000000",
        "pagenumber    | 2     | Unknown query parameter 'pagenumber'",
    })
    void refusesQueryValuesItCannotRead(String name, String value, String message) {
        ApiResult result = list(Payload.HTTP_API).query(name, value).invoke(function.handler());
        assertEquals(400, result.status(), result::toString);
        assertEquals("INVALID_REQUEST_BODY", result.errorCode());
        assertTrue(result.errorMessage().startsWith(message), result::errorMessage);
    }

    @Test
    void refusesARepeatedQueryParameter() {
        ApiResult result = list(Payload.HTTP_API).query("pageNumber", "1").query("pageNumber", "2")
                .invoke(function.handler());
        assertError(result, 400, "INVALID_REQUEST_BODY", "pageNumber must be given once, not 2 times");
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> payloadsAndBadCredentials() {
        return HandlerChecks.payloadsAndBadCredentials();
    }

    @ParameterizedTest
    @MethodSource("payloadsAndBadCredentials")
    void refusesABadTokenWith401AuthError(Payload payload, BadCredentials credentials) {
        StoredDatamarts.seedDocumented(function.db());
        HandlerChecks.assertAuthenticationFails(function.db(), function.handler(), ApiCall.to(payload, "GET", LIST),
                credentials, 401,
                "AUTH_ERROR");
        HandlerChecks.assertAuthenticationFails(function.db(), function.handler(),
                ApiCall.to(payload, "GET", GET).pathParameter("name", "sales-analytics"), credentials, 401,
                "AUTH_ERROR");
    }

    @ParameterizedTest
    @MethodSource("io.datamart.testing.ForeignRoutes#notServedByRead")
    void answersRoutesOfOtherFunctionsWithNotFound(Payload payload, String method, String path) {
        HandlerChecks.assertRouteNotServed(function.db(), function.handler(), payload, method, path,
                Fixtures.DOCUMENTED_CREATE_BODY);
    }

    @ParameterizedTest
    @EnumSource(Failures.StorageFailure.class)
    void answersAFailingListForWhatItIs(Failures.StorageFailure failure) {
        StoredDatamarts.seedDocumented(function.db());
        function.dynamoDb().fail(FaultInjectingDynamoDbClient.Operation.QUERY, 1, failure::create);

        HandlerAssertions.assertAnswersFailure(list(Payload.HTTP_API).invoke(function.handler()), failure, false);
    }

    @ParameterizedTest
    @EnumSource(Failures.StorageFailure.class)
    void answersAFailingGetForWhatItIs(Failures.StorageFailure failure) {
        StoredDatamarts.seedDocumented(function.db());
        // The first GetItem is the token's (the test environment caches none); the second fails.
        function.dynamoDb().beforeCall(FaultInjectingDynamoDbClient.Operation.GET_ITEM, 2,
                () -> function.dynamoDb().fail(FaultInjectingDynamoDbClient.Operation.GET_ITEM, 1, failure::create));

        ApiResult result = get(Payload.HTTP_API, "sales-analytics").invoke(function.handler());

        HandlerAssertions.assertAnswersFailure(result, failure, false);
    }

    static Stream<Path> readEvents() {
        return EventFiles.in("read").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readEvents")
    void answersEverySampleEventWithTheDocumentedBody(Path file) {
        StoredDatamarts.seedDocumented(function.db());

        ApiResult result = ApiCall.invokeEvent(function.handler(), EventFiles.read(file));

        assertEquals(200, result.status(), result::toString);
        assertTrue(result.body().get("error").isNull());
        JsonNode data = result.body().path("data");
        String name = data.isArray() ? data.path(0).path("name").asText() : data.path("name").asText();
        assertEquals("sales-analytics", name, result::toString);
    }
}
