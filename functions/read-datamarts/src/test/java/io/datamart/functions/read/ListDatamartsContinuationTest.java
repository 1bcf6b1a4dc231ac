package io.datamart.functions.read;

import static io.datamart.testing.HandlerAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.testing.ApiCall;
import io.datamart.testing.ApiCall.Payload;
import io.datamart.testing.ApiResult;
import io.datamart.testing.FaultInjectingDynamoDbClient;
import io.datamart.testing.FaultInjectingDynamoDbClient.QueryRead;
import io.datamart.testing.Fixtures;
import io.datamart.testing.FunctionUnderTest;
import io.datamart.testing.StoredDatamarts;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lists larger than one Lambda response can carry (6 MB for the response object, the body
 * counted as the JSON string it travels in), with datamarts near DynamoDB's 400 KB item
 * limit: every response fits, a cut list carries nextToken, and following it yields every
 * datamart that exists throughout exactly once, also while others come and go.
 */
class ListDatamartsContinuationTest {
    private static final String LIST = "/api/v2/data-app/datamarts";
    private static final String GET = "/api/v2/data-app/datamarts/{name}";
    /** What Lambda can return, read as 6,000,000 bytes (below both readings of "6 MB"). */
    private static final int LAMBDA_LIMIT = 6_000_000;
    /** Padding that brings the documented datamart near the 400 KB item limit. */
    private static final int NEAR_LIMIT = 395_000;

    @RegisterExtension
    static final FunctionUnderTest<ReadDatamartsHandler> function = FunctionUnderTest.of("ReadDatamartsFunction",
            f -> new ReadDatamartsHandler(f.api()));

    /** The documented datamart under {@code name}, its first column's label {@code padding}. */
    private static ObjectNode padded(String name, String padding) {
        ObjectNode body = Fixtures.createBody(name);
        ((ObjectNode) body.path("tableList").path(0).path("columns").path(0)).put("label", padding);
        return body;
    }

    private static void seed(String name, String padding) {
        StoredDatamarts.seed(function.db(), Fixtures.DEMO_ORG, padded(name, padding));
    }

    private static List<String> seedMany(int count, String padding) {
        List<String> names = IntStream.range(0, count).mapToObj(i -> String.format("mart-%02d", i)).toList();
        names.forEach(name -> seed(name, padding));
        return names;
    }

    private static ApiCall list() {
        return ApiCall.to(Payload.HTTP_API, "GET", LIST).bearer(Fixtures.DEMO_TOKEN);
    }

    private static ApiResult listed(ApiCall call) {
        ApiResult result = call.invoke(function.handler());
        assertEquals(200, result.status(), () -> result.toString().substring(0, 300));
        assertTrue(result.responseBytes() <= LAMBDA_LIMIT,
                "the response object is " + result.responseBytes() + " bytes, more than Lambda can return");
        return result;
    }

    private static List<String> names(ApiResult result) {
        List<String> names = new ArrayList<>();
        result.body().path("data").forEach(datamart -> names.add(datamart.path("name").asText()));
        return names;
    }

    /** Every response of one list, the first from {@code first}, then each nextToken followed. */
    private static List<ApiResult> follow(ApiCall first, boolean expandDetails, IntConsumer betweenResponses) {
        List<ApiResult> responses = new ArrayList<>();
        ApiResult result = listed(first);
        responses.add(result);
        while (result.body().has("nextToken")) {
            assertTrue(responses.size() < 100, "the list ends");
            betweenResponses.accept(responses.size());
            ApiCall next = list().query("nextToken", result.body().path("nextToken").asText());
            if (!expandDetails) {
                next.query("expandDetails", "false");
            }
            result = listed(next);
            responses.add(result);
        }
        return responses;
    }

    /** The bytes a datamart takes in the response object: its JSON, escaped into the body string. */
    private static long inResponseObject(JsonNode datamart) {
        try {
            return io.datamart.api.Json.MAPPER.writeValueAsBytes(datamart.toString()).length - 2;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> allNames(List<ApiResult> responses) {
        return responses.stream().flatMap(response -> names(response).stream()).toList();
    }

    @ParameterizedTest(name = "labels of \"{0}\"")
    @ValueSource(strings = {"x", "\"", "\\", "é", "日"})
    void cutsAListThatWouldNotFitAfterAWholeDatamartAndGoesOnWithNextToken(String unit) {
        // Quotes and backslashes double in the body and double again in the response object:
        // a cut that counted only the stored bytes would overflow with them.
        List<String> names = seedMany(20, unit.repeat(NEAR_LIMIT / unit.getBytes(
                java.nio.charset.StandardCharsets.UTF_8).length));

        List<ApiResult> responses = follow(list(), true, afterResponses -> { });

        assertTrue(responses.size() > 1, "20 datamarts near 400 KB do not fit one response");
        assertEquals(names, allNames(responses), "every datamart once, in name order");
        for (ApiResult response : responses.subList(0, responses.size() - 1)) {
            assertTrue(response.body().path("nextToken").isTextual());
            // Cut only where the next datamart, as it travels in the response object, would not have fitted.
            JsonNode next = responses.get(responses.indexOf(response) + 1).body().path("data").path(0);
            assertTrue(response.responseBytes() + inResponseObject(next) > LAMBDA_LIMIT - 16_384,
                    "a response is cut only when the next datamart would take it past the limit");
        }
        assertFalse(responses.get(responses.size() - 1).body().has("nextToken"), "no nextToken: the list is complete");
        JsonNode whole = responses.get(0).body().path("data").path(0);
        assertEquals(unit.repeat(NEAR_LIMIT / unit.getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                whole.path("tableList").path(0).path("columns").path(0).path("label").asText(),
                "datamarts are never cut, only the list");
    }

    @Test
    void yieldsEveryDatamartThatExistsThroughoutExactlyOnceWhileOthersComeAndGo() {
        // Datamarts of quotes, about 1.6 MB each in the response: three to a response, so the
        // churn below lands after the first three and after the next three were listed.
        String padding = "\"".repeat(NEAR_LIMIT);
        List<String> seeded = seedMany(20, padding);
        Set<String> deletedMidway = Set.of("mart-01", "mart-15", "mart-16");
        Map<Integer, Runnable> churn = new HashMap<>();
        churn.put(1, () -> {
            Fixtures.api(function.db()).service().delete(Fixtures.DEMO_ORG, "mart-01"); // already listed
            Fixtures.api(function.db()).service().delete(Fixtures.DEMO_ORG, "mart-15"); // not yet listed
            seed("mart-00a", padding); // before the cut: not listed, as it did not exist throughout
            seed("mart-17a", padding); // after the cut: listed, as it exists when its turn comes
        });
        churn.put(2, () -> {
            Fixtures.api(function.db()).service().delete(Fixtures.DEMO_ORG, "mart-16");
            seed("mart-19a", padding);
            seed("mart-15", padding); // deleted and created again: listed at most once
        });

        List<ApiResult> responses = follow(list(), true, afterResponses ->
                churn.getOrDefault(afterResponses, () -> { }).run());

        List<String> listed = allNames(responses);
        assertTrue(responses.size() >= 3, "the churn happened between responses: " + responses.size());
        assertEquals(new LinkedHashSet<>(listed).size(), listed.size(), "no datamart twice: " + listed);
        for (String name : seeded) {
            if (!deletedMidway.contains(name)) {
                assertEquals(1, listed.stream().filter(name::equals).count(), name + " exists throughout");
            }
        }
        assertEquals(listed.stream().sorted().toList(), listed, "in name order across responses");
        assertFalse(listed.contains("mart-16"), "deleted before its turn came");
        assertTrue(listed.contains("mart-19a"), "created ahead of the cut, before its turn came");
        assertFalse(listed.contains("mart-00a"), "created behind the cut");
        assertEquals(1, listed.stream().filter("mart-15"::equals).count(), "deleted and created again ahead of the cut");
    }

    @Test
    void cutsAPageThatWouldNotFitAndItsNextTokenFinishesThatPageOnly() {
        // Ten datamarts of quotes escape to about 16 MB: page 2 of 10 cannot be one response.
        List<String> names = seedMany(25, "\"".repeat(NEAR_LIMIT));

        List<ApiResult> page2 = follow(list().query("isPagination", "true").query("pageNumber", "2"), true,
                afterResponses -> { });

        assertTrue(page2.size() > 1, "the page was cut");
        assertEquals(names.subList(10, 20), allNames(page2), "the page, no more, no less");
    }

    @Test
    void getsTheLargestDatamartOfTheWorstCharactersWithinTheLimit() {
        // The most a stored byte can grow to: a quote is 1 byte stored, 2 in the body, 4 in the response.
        seed("worst", "\"".repeat(NEAR_LIMIT));

        ApiResult result = ApiCall.to(Payload.HTTP_API, "GET", GET).pathParameter("name", "worst")
                .bearer(Fixtures.DEMO_TOKEN).invoke(function.handler());

        assertEquals(200, result.status());
        assertTrue(result.responseBytes() <= LAMBDA_LIMIT, result.responseBytes() + " bytes");
        assertEquals(NEAR_LIMIT, result.body().path("data").path("tableList").path(0).path("columns").path(0)
                .path("label").asText().length());
    }

    @Test
    void findsWherePageNStartsFromTheNamesIndexAndReadsOnePageOfDatamarts() {
        seedMany(45, "x"); // seeded through another client: only the list's own queries are recorded

        List<String> page4 = names(listed(list().query("isPagination", "true").query("pageNumber", "4")));

        assertEquals(IntStream.range(30, 40).mapToObj(i -> String.format("mart-%02d", i)).toList(), page4);
        List<QueryRead> reads = function.dynamoDb().queries();
        int fromIndex = reads.stream().filter(read -> read.indexName() != null).mapToInt(QueryRead::entries).sum();
        int fromTable = reads.stream().filter(read -> read.indexName() == null).mapToInt(QueryRead::entries).sum();
        assertEquals(30, fromIndex, "the 30 datamarts before the page, as index entries of names alone");
        assertEquals(10, fromTable, "the page itself, and not one datamart more: " + reads);
    }

    @Test
    void answersAPagePastTheEndFromTheIndexAlone() {
        seedMany(5, "x");

        ApiResult result = listed(list().query("isPagination", "true").query("pageNumber", "3"));

        assertEquals(List.of(), names(result));
        assertFalse(result.body().has("nextToken"));
        assertTrue(function.dynamoDb().queries().stream().allMatch(read -> read.indexName() != null),
                "no datamart was read: " + function.dynamoDb().queries());
    }

    @ParameterizedTest(name = "nextToken \"{0}\"")
    @ValueSource(strings = {"garbage", "", "e30", "eyJhZnRlciI6MX0", "bm90IGpzb24"})
    void refusesANextTokenItDidNotGiveOut(String token) {
        seedMany(2, "x");

        ApiResult result = list().query("nextToken", token).invoke(function.handler());

        assertError(result, 400, "INVALID_REQUEST_BODY", "nextToken is not one this API gave out: send the value "
                + "of the previous response's nextToken as it was, URL-encoded");
    }

    @Test
    void refusesANextTokenWithPaginationOrAnotherExpandDetails() {
        seedMany(2, "x");
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"after\":\"mart-00\",\"expandDetails\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ApiResult followed = listed(list().query("nextToken", token));
        assertEquals(List.of("mart-01"), names(followed), "a token written as this API writes them is followed");

        assertError(list().query("nextToken", token).query("isPagination", "true").invoke(function.handler()), 400,
                "INVALID_REQUEST_BODY", "nextToken goes on with the list it came from, page and all: send it "
                        + "without isPagination and pageNumber");
        assertError(list().query("nextToken", token).query("expandDetails", "false").invoke(function.handler()),
                400, "INVALID_REQUEST_BODY",
                "nextToken continues a list with expandDetails=true; send the same expandDetails with it");
    }

    @Test
    void cutsANamesOnlyListWhereReadingOnMightNotEndInTime() {
        // Names only, but DynamoDB reads whole items: about two near 400 KB per Query page, so
        // a long list takes many reads. Here the first read is slow instead.
        List<String> names = seedMany(6, "x");
        function.dynamoDb().afterCall(FaultInjectingDynamoDbClient.Operation.QUERY, 1, () -> pause(2_500));

        // 5 s left, 1 s of it for the response: after the first page and the pause, less
        // than one read's 2 s is left, so the list is cut rather than read on.
        ApiResult first = list().query("expandDetails", "false").invokeWithin(function.handler(), 5_000);

        assertEquals(200, first.status(), first::toString);
        assertTrue(first.body().has("nextToken"), "cut for time: " + first.body());
        List<String> listed = new ArrayList<>(names(first));
        assertTrue(listed.size() < names.size() && !listed.isEmpty(), listed::toString);
        ApiResult rest = listed(list().query("expandDetails", "false")
                .query("nextToken", first.body().path("nextToken").asText()));
        listed.addAll(names(rest));
        assertEquals(names, listed, "the token goes on where time ran short");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void leavesOutNextTokenWhenEverythingFits() {
        seedMany(3, "x");

        ApiResult result = listed(list());

        assertEquals(3, names(result).size());
        assertNull(result.body().get("nextToken"));
    }
}
