package io.datamart.provisioning;

import static io.datamart.testing.ClientTerms.assertInClientTerms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.error.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProvisioningMessagesTest {
    private static final String QUEUE_CREATE = """
            {"operation": "create", "organizationId": "demo", "correlationId": "signup-42",
             "body": {"name": "sales", "datasourceName": "postgres-main", "tableList": []}}""";
    private static final String BUS_UPDATE = """
            {"version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "Update Datamart",
             "source": "com.example.warehouse", "account": "111122223333", "time": "2026-11-22T05:00:00Z",
             "region": "us-east-1", "resources": [],
             "detail": {"organizationId": "demo", "body": {"datamartName": "sales", "relationships": []}}}""";

    @Test
    void readsTheQueueShape() {
        ProvisioningRequest request = ProvisioningMessages.parse(QUEUE_CREATE, "msg-1");
        assertTrue(request.isValid(), () -> request.violations().toString());
        assertEquals(ProvisioningOperation.CREATE, request.operation());
        assertEquals("demo", request.organizationId());
        assertEquals("signup-42", request.correlationId());
        assertEquals("sales", request.datamartName());
        assertEquals("postgres-main", request.body().path("datasourceName").asText());
    }

    @Test
    void readsTheBusShapeWithTheOperationFromTheDetailTypeAndTheEventIdAsCorrelationId() {
        ProvisioningRequest request = ProvisioningMessages.parse(BUS_UPDATE, "msg-1");
        assertTrue(request.isValid(), () -> request.violations().toString());
        assertEquals(ProvisioningOperation.UPDATE, request.operation());
        assertEquals("demo", request.organizationId());
        assertEquals("6a7e8feb-b491-4cf7-a9f1-bf3703467718", request.correlationId());
        assertEquals("sales", request.datamartName());
    }

    @Test
    void usesTheMessageIdAsCorrelationIdWhenTheQueueRequestHasNone() {
        ProvisioningRequest request = ProvisioningMessages.parse(
                QUEUE_CREATE.replace("\"correlationId\": \"signup-42\",", ""), "msg-7");
        assertTrue(request.isValid(), () -> request.violations().toString());
        assertEquals("msg-7", request.correlationId());
    }

    @Test
    void acceptsADetailThatRepeatsItsOperationConsistently() {
        ProvisioningRequest request = ProvisioningMessages.parse(
                BUS_UPDATE.replace("\"detail\": {", "\"detail\": {\"operation\": \"update\", "), "m");
        assertTrue(request.isValid(), () -> request.violations().toString());
    }

    @Test
    void refusesADetailWhoseOperationContradictsItsDetailType() {
        ProvisioningRequest request = ProvisioningMessages.parse(
                BUS_UPDATE.replace("\"detail\": {", "\"detail\": {\"operation\": \"delete\", "), "m");
        assertEquals(List.of("detail.operation"), paths(request));
        assertEquals(ProvisioningOperation.UPDATE, request.operation(), "the detail-type still names it");
    }

    @Test
    void refusesAnUnknownDetailType() {
        ProvisioningRequest request = ProvisioningMessages.parse(
                BUS_UPDATE.replace("Update Datamart", "Rename Datamart"), "m");
        assertEquals(List.of("detail-type"), paths(request));
        assertNull(request.operation());
        assertEquals("demo", request.organizationId(), "what could be read is kept for the outcome");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"organizationId\": \"demo\", \"body\": {}}|operation",
        "{\"operation\": \"upsert\", \"organizationId\": \"demo\", \"body\": {}}|operation",
        "{\"operation\": \"CREATE\", \"organizationId\": \"demo\", \"body\": {}}|operation",
        "{\"operation\": \"create\", \"body\": {}}|organizationId",
        "{\"operation\": \"create\", \"organizationId\": \"   \", \"body\": {}}|organizationId",
        "{\"operation\": \"create\", \"organizationId\": 7, \"body\": {}}|organizationId",
        "{\"operation\": \"create\", \"organizationId\": \"demo\"}|body",
        "{\"operation\": \"create\", \"organizationId\": \"demo\", \"body\": \"{}\"}|body",
        "{\"operation\": \"create\", \"organizationId\": \"demo\", \"body\": {}, \"correlationId\": 5}|correlationId",
        "{\"operation\": \"create\", \"organizationId\": \"demo\", \"body\": {}, \"priority\": 1}|priority",
    })
    void namesTheFieldThatBreaksTheQueueFormat(String message, String path) {
        ProvisioningRequest request = ProvisioningMessages.parse(message, "m");
        assertFalse(request.isValid());
        assertEquals(List.of(path), paths(request));
    }

    @Test
    void acceptsANullCorrelationIdAsNone() {
        ProvisioningRequest request = ProvisioningMessages.parse(
                "{\"operation\": \"delete\", \"organizationId\": \"demo\", \"correlationId\": null, "
                        + "\"body\": {\"datamartName\": \"x\"}}", "msg-9");
        assertTrue(request.isValid(), () -> request.violations().toString());
        assertEquals("msg-9", request.correlationId());
    }

    @Test
    void refusesIdentifiersOverTheLimitOrNotWellFormed() {
        String longId = "o".repeat(ProvisioningMessages.MAX_ID_LENGTH + 1);
        assertEquals(List.of("organizationId"), paths(ProvisioningMessages.parse(
                "{\"operation\": \"create\", \"organizationId\": \"" + longId + "\", \"body\": {}}", "m")));
        assertTrue(ProvisioningMessages.parse("{\"operation\": \"create\", \"organizationId\": \""
                + "o".repeat(ProvisioningMessages.MAX_ID_LENGTH) + "\", \"body\": {}}", "m").isValid());
        assertEquals(List.of("organizationId"), paths(ProvisioningMessages.parse(
                "{\"operation\": \"create\", \"organizationId\": \"\\ud800\", \"body\": {}}", "m")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1, 2]", "\"create\"", "{\"a\": 1, \"a\": 2}", "{} {}"})
    void refusesAMessageThatIsNotOneJsonObject(String message) {
        ProvisioningRequest request = ProvisioningMessages.parse(message, "msg-3");
        assertFalse(request.isValid());
        assertEquals(List.of(""), paths(request));
        assertEquals("msg-3", request.correlationId());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"operation\": \"create\"} {}           | The message is not valid JSON at line 1, column 25: more follows the end of the JSON value; send exactly one JSON value, with nothing after it but white space",
        "{'operation': 'create'}                 | The message is not valid JSON at line 1, column 2: field names take double quotes, not single quotes",
        "{\"operation\": \"create\", \"operation\": 1} | The message is not valid JSON at line 1, column 36: the field 'operation' appears twice in the same object; each field may appear only once",
        "{\"operation\": \"create\"                 | The message is not valid JSON at line 1, column 23: it ends before the object that opens at line 1, column 1 is closed with '}'",
    })
    void saysWhatIsWrongWithAMessageThatIsNotJsonInPlainWords(String message, String said) {
        ProvisioningRequest request = ProvisioningMessages.parse(message, "msg-4");

        assertEquals(List.of(new Violation("", said)), request.violations());
        assertInClientTerms(said);
    }

    @Test
    void saysHowDeeplyAMessageMayNest() {
        ProvisioningRequest request = ProvisioningMessages.parse("{\"body\": " + "[".repeat(1_001)
                + "]".repeat(1_001) + "}", "msg-5");

        assertEquals(List.of(new Violation("", "The message nests arrays and objects too deeply: at most 1000 levels"
                + " are allowed")), request.violations());
    }

    @Test
    void refusesABusEventWithoutADetailObject() {
        ProvisioningRequest request = ProvisioningMessages.parse(
                "{\"id\": \"e-1\", \"detail-type\": \"Delete Datamart\", \"detail\": \"sales\"}", "m");
        assertEquals(List.of("detail"), paths(request));
        assertEquals(ProvisioningOperation.DELETE, request.operation());
        assertEquals("e-1", request.correlationId());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        ProvisioningRequest request = ProvisioningMessages.parse("{\"operation\": \"x\", \"extra\": true}", "m");
        assertEquals(List.of("extra", "operation", "organizationId", "body"), paths(request));
    }

    @Test
    void findsTheDatamartNameByTheOperationsField() {
        assertEquals("a", ProvisioningMessages.parse(
                "{\"operation\": \"delete\", \"organizationId\": \"o\", \"body\": {\"datamartName\": \"a\", \"name\": \"b\"}}",
                "m").datamartName());
        assertEquals("b", ProvisioningMessages.parse(
                "{\"operation\": \"create\", \"organizationId\": \"o\", \"body\": {\"datamartName\": \"a\", \"name\": \"b\"}}",
                "m").datamartName());
        assertNull(ProvisioningMessages.parse(
                "{\"operation\": \"create\", \"organizationId\": \"o\", \"body\": {\"name\": 5}}", "m").datamartName());
    }

    @Test
    void repeatsTheOperationItDoesNotKnow() {
        ProvisioningRequest request = ProvisioningMessages.parse(
                "{\"operation\": \"upsert\", \"organizationId\": \"demo\", \"body\": {}}", "m");
        assertEquals(List.of(new Violation("operation", "must be 'create', 'update' or 'delete', not \"upsert\"")),
                request.violations());
    }

    @Test
    void keepsNoIdentifierThatBreaksTheFormat() {
        ProvisioningRequest notText = ProvisioningMessages.parse(
                "{\"operation\": \"create\", \"organizationId\": 7, \"correlationId\": 5, \"body\": {}}", "m-8");
        assertNull(notText.organizationId());
        assertEquals("m-8", notText.correlationId(), "the message's own id, as if it had sent none");

        String longId = "o".repeat(ProvisioningMessages.MAX_ID_LENGTH + 1);
        ProvisioningRequest tooLong = ProvisioningMessages.parse("{\"operation\": \"create\", \"organizationId\": \""
                + longId + "\", \"correlationId\": \"" + longId + "\", \"body\": {}}", "m-9");
        assertNull(tooLong.organizationId());
        assertEquals("m-9", tooLong.correlationId());
    }

    @Test
    void listsTenUnknownFieldsEachAndNoMore() {
        StringBuilder message = new StringBuilder("{\"operation\": \"create\", \"organizationId\": \"demo\", \"body\": {}");
        for (int i = 1; i <= ProvisioningMessages.MAX_UNKNOWN_FIELDS_LISTED; i++) {
            message.append(", \"extra").append(i).append("\": 1");
        }
        ProvisioningRequest request = ProvisioningMessages.parse(message + "}", "m");
        assertEquals(ProvisioningMessages.MAX_UNKNOWN_FIELDS_LISTED, request.violations().size(),
                request.violations()::toString);
        assertTrue(paths(request).stream().allMatch(path -> path.startsWith("extra")), paths(request)::toString);
    }

    @Test
    void countsTheUnknownFieldsOfADetailBeyondTheTenListed() {
        StringBuilder detail = new StringBuilder("{\"organizationId\": \"demo\", \"body\": {\"datamartName\": \"s\"}");
        for (int i = 1; i <= ProvisioningMessages.MAX_UNKNOWN_FIELDS_LISTED + 1; i++) {
            detail.append(", \"extra").append(i).append("\": 1");
        }
        ProvisioningRequest request = ProvisioningMessages.parse(
                "{\"id\": \"e-1\", \"detail-type\": \"Delete Datamart\", \"detail\": " + detail + "}}", "m");
        List<Violation> violations = request.violations();
        assertEquals(ProvisioningMessages.MAX_UNKNOWN_FIELDS_LISTED + 1, violations.size(), violations::toString);
        assertEquals(new Violation("detail", "has 1 more unknown fields"), violations.get(violations.size() - 1));
    }

    @Test
    void saysWhetherTheBodyIsMissingOrNotAnObject() {
        assertEquals(List.of(new Violation("body", "is required")), ProvisioningMessages.parse(
                "{\"operation\": \"create\", \"organizationId\": \"demo\"}", "m").violations());
        assertEquals(List.of(new Violation("body", "must be the JSON object the HTTP API takes")),
                ProvisioningMessages.parse("{\"operation\": \"create\", \"organizationId\": \"demo\", \"body\": 1}",
                        "m").violations());
    }

    private static List<String> paths(ProvisioningRequest request) {
        return request.violations().stream().map(Violation::path).toList();
    }
}
