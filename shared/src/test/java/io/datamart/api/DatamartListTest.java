package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.aws.CallBudget;
import io.datamart.service.DatamartService;
import io.datamart.testing.Fixtures;
import io.datamart.testing.LocalDynamoDb;
import io.datamart.testing.TestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The List Datamarts cut with small budgets, so that lists of small datamarts show every
 * case (the read function's tests show it at the real limit with datamarts near 400 KB).
 */
class DatamartListTest {
    private LocalDynamoDb db;
    private DatamartService service;

    /** The local AWS started before any test, so that no test's time includes its start. */
    @BeforeAll
    static void startLocalAws() {
        LocalDynamoDb.instance();
    }

    @BeforeEach
    void freshTables() {
        db = Fixtures.freshDatabase();
        service = Fixtures.api(db).service();
    }

    private List<String> seed(int count) {
        List<String> names = IntStream.range(0, count).mapToObj(i -> String.format("m%02d", i)).toList();
        names.forEach(name -> service.create(Fixtures.DEMO_ORG, Fixtures.createBody(name)));
        return names;
    }

    private static ListOptions options(Map<String, List<String>> query) {
        return ListOptions.from(query);
    }

    /** A body as the client reads it: the list carries its datamarts as raw JSON. */
    private static ObjectNode asSent(ObjectNode body) {
        return Fixtures.object(body.toString());
    }

    /** Every body of one list, following nextToken. */
    private static List<ObjectNode> follow(DatamartList list, Map<String, List<String>> first) {
        List<ObjectNode> bodies = new ArrayList<>();
        ObjectNode body = asSent(list.body(Fixtures.DEMO_ORG, options(first)));
        bodies.add(body);
        while (body.has("nextToken")) {
            Map<String, List<String>> next = new java.util.HashMap<>();
            next.put("nextToken", List.of(body.path("nextToken").asText()));
            if (first.containsKey("expandDetails")) {
                next.put("expandDetails", first.get("expandDetails"));
            }
            body = asSent(list.body(Fixtures.DEMO_ORG, options(next)));
            bodies.add(body);
        }
        return bodies;
    }

    private static List<String> names(List<ObjectNode> bodies) {
        List<String> names = new ArrayList<>();
        bodies.forEach(body -> body.path("data").forEach(d -> names.add(d.path("name").asText())));
        return names;
    }

    @ParameterizedTest(name = "expandDetails={0}")
    @ValueSource(strings = {"true", "false"})
    void goesOnWithTheSameKindOfEntryToTheEnd(String expandDetails) {
        List<String> names = seed(12);
        DatamartList small = new DatamartList(service, "true".equals(expandDetails) ? 3_000 : 300);

        List<ObjectNode> bodies = follow(small, Map.of("expandDetails", List.of(expandDetails)));

        assertTrue(bodies.size() > 2, "the budget holds a few entries each: " + bodies.size());
        assertEquals(names, names(bodies));
        int fields = bodies.get(1).path("data").path(0).size();
        assertEquals("true".equals(expandDetails) ? 8 : 3, fields, "the continuation keeps expandDetails");
    }

    @Test
    void alwaysListsAtLeastOneDatamartSoTheListMovesOn() {
        List<String> names = seed(3);
        DatamartList tiny = new DatamartList(service, 1);

        List<ObjectNode> bodies = follow(tiny, Map.of());

        assertEquals(3, bodies.size());
        assertEquals(names, names(bodies));
    }

    @Test
    void keepsEveryBodyWithinItsBudget() {
        seed(15);
        for (long budget : new long[] {500, 1_000, 2_500, 7_000}) {
            DatamartList list = new DatamartList(service, budget);
            for (ObjectNode body : follow(list, Map.of())) {
                long used = 0;
                for (JsonNode datamart : body.path("data")) {
                    used += LambdaResponseSize.asJsonString(datamart.toString()) + 1;
                }
                assertTrue(body.path("data").size() == 1 || used <= budget, used + " > " + budget);
            }
        }
    }

    @Test
    void countsNoFewerBytesThanTheMapperWritesForAnyText() throws Exception {
        Random random = new Random(42);
        for (int run = 0; run < 2_000; run++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                int pick = random.nextInt(8);
                text.appendCodePoint(switch (pick) {
                    case 0 -> random.nextInt(0x20);
                    case 1 -> '"';
                    case 2 -> '\\';
                    case 3 -> 0x80 + random.nextInt(0x780);
                    case 4 -> 0x800 + random.nextInt(0xD000 - 0x800);
                    case 5 -> 0x10000 + random.nextInt(0xFFFFF);
                    default -> 0x20 + random.nextInt(0x5F);
                });
            }
            String value = text.toString();
            long written = Json.MAPPER.writeValueAsString(value).getBytes(StandardCharsets.UTF_8).length - 2;
            assertTrue(LambdaResponseSize.asJsonString(value) >= written, value);
        }
        assertEquals(5, LambdaResponseSize.asJsonString("a\"\\"), "a, then two escaped characters");
        assertEquals(6, LambdaResponseSize.asJsonString("\u0001"), "a control character as \\u0001");
    }

    // ---------------------------------------------------------------------------------------------
    // The budget's edge, exactly
    // ---------------------------------------------------------------------------------------------

    /** What an entry costs against the budget: its bytes inside the response's JSON string, and a comma. */
    private static long cost(JsonNode entry) {
        return LambdaResponseSize.asJsonString(entry.toString()) + 1;
    }

    private List<Long> costsOfAllSummaries() {
        ObjectNode whole = asSent(new DatamartList(service, Long.MAX_VALUE)
                .body(Fixtures.DEMO_ORG, options(Map.of("expandDetails", List.of("false")))));
        assertFalse(whole.has("nextToken"), whole::toString);
        List<Long> costs = new ArrayList<>();
        whole.path("data").forEach(entry -> costs.add(cost(entry)));
        return costs;
    }

    @Test
    void listsTheNextDatamartWhenItFillsTheBudgetExactly() {
        List<String> names = seed(3);
        List<Long> costs = costsOfAllSummaries();
        DatamartList exact = new DatamartList(service, costs.get(0) + costs.get(1));

        List<ObjectNode> bodies = follow(exact, Map.of("expandDetails", List.of("false")));

        assertEquals(2, bodies.get(0).path("data").size(), bodies::toString);
        assertEquals(names, names(bodies));
    }

    @Test
    void cutsBeforeTheNextDatamartWhenItWouldPassTheBudgetByOneByte() {
        List<String> names = seed(3);
        List<Long> costs = costsOfAllSummaries();
        DatamartList short1 = new DatamartList(service, costs.get(0) + costs.get(1) - 1);

        List<ObjectNode> bodies = follow(short1, Map.of("expandDetails", List.of("false")));

        assertEquals(1, bodies.get(0).path("data").size(), bodies::toString);
        assertEquals(names, names(bodies));
    }

    // ---------------------------------------------------------------------------------------------
    // Cut short by the invocation's time
    // ---------------------------------------------------------------------------------------------

    /** The list read in an invocation with less time left than one more read may take. */
    private ObjectNode withLittleTimeLeft(Map<String, List<String>> query) {
        TestContext ending = new TestContext().remainingTimeMillis(
                (int) CallBudget.MAX_ATTEMPT.toMillis() - 100);
        return asSent(CallBudget.within(ending, Duration.ZERO,
                () -> new DatamartList(service).body(Fixtures.DEMO_ORG, options(query))));
    }

    @Test
    void listsOneDatamartThenStopsWhenTimeIsShort() {
        List<String> names = seed(3);

        ObjectNode body = withLittleTimeLeft(Map.of());

        assertEquals(List.of(names.get(0)), names(List.of(body)));
        assertEquals(new NextToken(names.get(0), null, true), NextToken.decode(body.path("nextToken").asText()));
    }

    @Test
    void carriesWhatIsLeftOfThePageWhenTimeCutsItShort() {
        List<String> names = seed(3);

        ObjectNode body = withLittleTimeLeft(Map.of("isPagination", List.of("true"), "pageNumber", List.of("1")));

        assertEquals(List.of(names.get(0)), names(List.of(body)));
        assertEquals(new NextToken(names.get(0), ListOptions.PAGE_SIZE - 1, true),
                NextToken.decode(body.path("nextToken").asText()));
    }

    @Test
    void endsAContinuationThatReachedItsCountWithoutANextTokenEvenWhenTimeIsShort() {
        List<String> names = seed(3);
        String lastOne = new NextToken(names.get(0), 1, true).encode();

        ObjectNode body = withLittleTimeLeft(Map.of("nextToken", List.of(lastOne)));

        assertEquals(List.of(names.get(1)), names(List.of(body)));
        assertFalse(body.has("nextToken"), body::toString);
    }
}
