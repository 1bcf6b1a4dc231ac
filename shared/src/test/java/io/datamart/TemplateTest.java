package io.datamart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.ApiGatewayHandler;
import io.datamart.api.Operation;
import io.datamart.aws.EmbeddedMetrics;
import io.datamart.api.Route;
import io.datamart.local.ProjectFiles;
import io.datamart.local.TemplateModel;
import io.datamart.persistence.DatamartRepository;
import io.datamart.persistence.DatamartVersionRepository;
import io.datamart.persistence.IdempotencyRecordRepository;
import io.datamart.persistence.TableNames;
import io.datamart.provisioning.ProvisioningPipeline;
import io.datamart.testing.Template;
import io.datamart.testing.TemplateFunctions;
import io.datamart.throttling.OrganizationRequestLimit;
import io.datamart.wiring.DatamartApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * template.yaml, read as data, against the code it deploys: the HTTP API functions. The
 * event-driven ones (queue, bus, stream) are {@link EventDrivenTemplateTest}'s.
 */
class TemplateTest {
    private static final TemplateModel TEMPLATE = Template.load();
    private static final Map<String, String> TABLE_VARIABLES = Map.of(
            TableNames.DATAMARTS_VARIABLE, "DatamartsTable",
            TableNames.DATASOURCES_VARIABLE, "DatasourcesTable",
            TableNames.SERVICE_TOKENS_VARIABLE, "ServiceTokensTable",
            DatamartVersionRepository.TABLE_VARIABLE, "DatamartVersionsTable");
    /** A YAML tag such as {@code !Ref} or {@code !GetAtt} where a value starts. */
    private static final Pattern SHORT_FORM_TAG = Pattern.compile("(^|[\\s\\[{,:-])!\\w");

    /** The functions behind the HTTP API: module, handler class and the operations each serves. */
    enum Fn {
        CREATE("create-datamart", "create", "CreateDatamartHandler", "CreateDatamartFunction", Operation.CREATE),
        UPDATE("update-datamart", "update", "UpdateDatamartHandler", "UpdateDatamartFunction", Operation.UPDATE),
        DELETE("delete-datamart", "delete", "DeleteDatamartHandler", "DeleteDatamartFunction", Operation.DELETE),
        READ("read-datamarts", "read", "ReadDatamartsHandler", "ReadDatamartsFunction", Operation.LIST, Operation.GET,
                Operation.LIST_VERSIONS, Operation.GET_VERSION);

        final String module;
        final String javaPackage;
        final String handlerClass;
        final String id;
        final Set<Operation> operations;

        Fn(String module, String javaPackage, String handlerClass, String id, Operation first, Operation... more) {
            this.module = module;
            this.javaPackage = javaPackage;
            this.handlerClass = handlerClass;
            this.id = id;
            this.operations = EnumSet.of(first, more);
        }
    }

    static JsonNode function(Fn fn) {
        return TemplateFunctions.function(fn.id);
    }

    static JsonNode property(Fn fn, String name) {
        return TemplateFunctions.property(fn.id, name);
    }

    static Map<String, JsonNode> environment(Fn fn) {
        return TemplateFunctions.environment(fn.id);
    }

    static List<JsonNode> statements(Fn fn) {
        List<JsonNode> statements = new ArrayList<>();
        JsonNode policies = function(fn).path("Properties").path("Policies");
        assertTrue(policies.isArray() && !policies.isEmpty(), fn.id + " has inline policies");
        for (JsonNode policy : policies) {
            assertTrue(policy.isObject() && policy.has("Statement"),
                    () -> fn.id + " uses only inline policy documents, not " + policy);
            policy.path("Statement").forEach(statements::add);
        }
        return statements;
    }

    static List<JsonNode> asList(JsonNode node) {
        return TemplateFunctions.asList(node);
    }

    /** The table a resource names ("DatamartsTable"), or one of its indexes ("DatamartsTable/index/NamesOnly"). */
    static String tableOf(JsonNode resource) {
        JsonNode getAtt = resource.path("Fn::GetAtt");
        if (getAtt.isArray() && getAtt.size() == 2 && "Arn".equals(getAtt.get(1).asText())) {
            String id = getAtt.get(0).asText();
            return "AWS::DynamoDB::Table".equals(TEMPLATE.resource(id).path("Type").asText()) ? id : null;
        }
        java.util.regex.Matcher index = java.util.regex.Pattern.compile("\\$\\{(\\w+)\\.Arn}/index/(\\w+)")
                .matcher(resource.path("Fn::Sub").asText());
        if (index.matches() && indexNames(index.group(1)).contains(index.group(2))) {
            return index.group(1) + "/index/" + index.group(2);
        }
        return null;
    }

    static Set<String> indexNames(String table) {
        Set<String> names = new HashSet<>();
        TEMPLATE.resource(table).path("Properties").path("GlobalSecondaryIndexes")
                .forEach(index -> names.add(index.path("IndexName").asText()));
        return names;
    }

    // ---------------------------------------------------------------------------------------------
    // Routes and code
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Fn.class)
    void wiresExactlyTheRoutesOfEachFunctionsOperations(Fn fn) {
        Set<String> wired = new HashSet<>();
        function(fn).path("Properties").path("Events").fields().forEachRemaining(event -> {
            JsonNode properties = event.getValue().path("Properties");
            assertEquals("HttpApi", event.getValue().path("Type").asText(), event.getKey());
            assertEquals("DatamartHttpApi", properties.path("ApiId").path("Ref").asText(), event.getKey());
            assertEquals("2.0", properties.path("PayloadFormatVersion").asText(), event.getKey());
            assertTrue(wired.add(properties.path("Method").asText() + " " + properties.path("Path").asText()),
                    () -> "route wired twice: " + event.getKey());
        });
        Set<String> routes = Arrays.stream(Route.values()).filter(route -> fn.operations.contains(route.operation()))
                .map(route -> route.method() + " " + route.path()).collect(Collectors.toSet());
        assertEquals(routes, wired);
    }

    /** The HTTP API events of a function (other functions are driven by queues, streams and rules). */
    static List<JsonNode> httpApiEvents(String functionId) {
        List<JsonNode> events = new ArrayList<>();
        TEMPLATE.resource(functionId).path("Properties").path("Events").forEach(event -> {
            if ("HttpApi".equals(event.path("Type").asText())) {
                events.add(event);
            }
        });
        return events;
    }

    @Test
    void wiresEveryRouteOnceAcrossAllFunctions() {
        List<String> wired = new ArrayList<>();
        for (String id : TEMPLATE.resourcesOfType("AWS::Serverless::Function")) {
            httpApiEvents(id).forEach(event -> wired.add(
                    event.path("Properties").path("Method").asText() + " " + event.path("Properties").path("Path").asText()));
        }
        assertEquals(Route.values().length, wired.size(), () -> "wired: " + wired);
        assertEquals(Route.values().length, new HashSet<>(wired).size(), () -> "wired: " + wired);
    }

    @Test
    void hasOneFunctionPerModuleAndServesEveryOperation() {
        Set<String> apiFunctions = TEMPLATE.resourcesOfType("AWS::Serverless::Function").stream()
                .filter(id -> !httpApiEvents(id).isEmpty()).collect(Collectors.toSet());
        assertEquals(Arrays.stream(Fn.values()).map(fn -> fn.id).collect(Collectors.toSet()), apiFunctions);
        assertEquals(EnumSet.allOf(Operation.class), Arrays.stream(Fn.values())
                .flatMap(fn -> fn.operations.stream()).collect(Collectors.toSet()));
    }

    /** sam build runs build-&lt;LogicalId&gt; for every function; a target for no function is dead code. */
    @Test
    void hasAMakefileTargetForEveryFunctionAndNoOther() throws IOException {
        Matcher target = Pattern.compile("(?m)^build-(\\w+): FUNCTION_MODULE = ")
                .matcher(Files.readString(ProjectFiles.root().resolve("Makefile")));
        Set<String> targets = new HashSet<>();
        while (target.find()) {
            targets.add(target.group(1));
        }
        assertEquals(Set.copyOf(TEMPLATE.resourcesOfType("AWS::Serverless::Function")), targets);
    }

    @ParameterizedTest
    @EnumSource(Fn.class)
    void isBuiltByTheMakefileTargetOfItsModule(Fn fn) {
        TemplateFunctions.assertBuiltFromModule(fn.id, fn.module);
    }

    @ParameterizedTest
    @EnumSource(Fn.class)
    void namesTheHandlerClassOfItsModule(Fn fn) throws IOException {
        String className = fn.handlerClass;
        assertEquals("io.datamart.functions." + fn.javaPackage + "." + className + "::handleRequest",
                property(fn, "Handler").asText());
        Path source = ProjectFiles.root().resolve("functions/" + fn.module + "/src/main/java/io/datamart/functions/"
                + fn.javaPackage + "/" + className + ".java");
        assertTrue(Files.exists(source), () -> source + " exists");
        String code = Files.readString(source);
        assertTrue(code.contains("implements RequestStreamHandler") && code.contains("void handleRequest("),
                () -> className + " is a RequestStreamHandler");
        fn.operations.forEach(operation -> assertTrue(code.contains("Operation." + operation.name()),
                () -> className + " serves " + operation));
    }

    // ---------------------------------------------------------------------------------------------
    // Runtime settings
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Fn.class)
    void runsOnJava25(Fn fn) {
        assertEquals("java25", property(fn, "Runtime").asText());
    }

    @ParameterizedTest
    @EnumSource(Fn.class)
    void usesSnapStartOnPublishedVersionsWithAnAutoPublishedAlias(Fn fn) {
        assertEquals("PublishedVersions", property(fn, "SnapStart").path("ApplyOn").asText());
        assertFalse(property(fn, "AutoPublishAlias").asText().isBlank(),
                "SnapStart only applies to published versions");
    }

    @ParameterizedTest
    @EnumSource(Fn.class)
    void logsInTextFormatSoItsOwnJsonLinesAreStoredAsWritten(Fn fn) {
        assertEquals("Text", property(fn, "LoggingConfig").path("LogFormat").asText(),
                "Lambda's JSON format would nest each line, escaped, in its message field");
    }

    @ParameterizedTest
    @EnumSource(Fn.class)
    void tracesEveryInvocationWithXRay(Fn fn) {
        assertEquals("Active", property(fn, "Tracing").asText());
    }

    @ParameterizedTest
    @EnumSource(Fn.class)
    void passesEachTableTheFunctionUsesByReference(Fn fn) {
        Map<String, JsonNode> variables = environment(fn);
        Set<String> expected = new HashSet<>(Set.of(TableNames.DATAMARTS_VARIABLE,
                TableNames.SERVICE_TOKENS_VARIABLE, DatamartVersionRepository.TABLE_VARIABLE));
        if (fn.operations.contains(Operation.CREATE) || fn.operations.contains(Operation.UPDATE)) {
            expected.add(TableNames.DATASOURCES_VARIABLE);
        }
        Set<String> given = new HashSet<>(variables.keySet());
        given.retainAll(TABLE_VARIABLES.keySet());
        assertEquals(expected, given, () -> fn.id + " is given exactly the tables it uses");
        expected.forEach(variable -> {
            String table = TABLE_VARIABLES.get(variable);
            assertEquals(table, variables.get(variable).path("Ref").asText(), () -> variable + " of " + fn.id);
            assertEquals("AWS::DynamoDB::Table", TEMPLATE.resource(table).path("Type").asText());
        });
    }

    @Test
    void setsNoJvmOptionsThatTheRuntimeWouldAnnounceInPlainText() {
        assertFalse(TEMPLATE.root().toString().contains("JAVA_TOOL_OPTIONS"),
                "the runtime picks C1 itself (and the JVM's defaults under SnapStart); JAVA_TOOL_OPTIONS "
                        + "would print a plain-text line at every cold start");
    }

    @Test
    void givesEveryFunctionOnlyTheVariablesItUses() {
        Set<String> api = Set.of(TableNames.DATAMARTS_VARIABLE, TableNames.SERVICE_TOKENS_VARIABLE,
                DatamartApi.TOKEN_CACHE_TTL_VARIABLE, OrganizationRequestLimit.TABLE_VARIABLE,
                OrganizationRequestLimit.LIMIT_VARIABLE, DatamartVersionRepository.TABLE_VARIABLE);
        Set<String> writes = new HashSet<>(api);
        writes.add(IdempotencyRecordRepository.TABLE_VARIABLE);
        Set<String> writesWithDatasources = new HashSet<>(writes);
        writesWithDatasources.add(TableNames.DATASOURCES_VARIABLE);
        Map<String, Set<String>> expected = Map.of(
                "CreateDatamartFunction", writesWithDatasources,
                "UpdateDatamartFunction", writesWithDatasources,
                "DeleteDatamartFunction", writes,
                "ReadDatamartsFunction", api,
                "ProvisionDatamartsFunction", Set.of(TableNames.DATAMARTS_VARIABLE, TableNames.DATASOURCES_VARIABLE,
                        "EVENT_BUS_NAME", "PROVISIONING_MAX_RECEIVE_COUNT", "PROVISIONING_MAX_TRIES",
                        "PROVISIONING_ATTEMPTS_TABLE", "PARKED_DATAMARTS_TABLE", "PRODUCER_GRANTS_TABLE",
                        "PROVISIONING_QUEUE_URL", "PROVISIONING_DEAD_LETTER_QUEUE_URL", "FORWARDER_PRINCIPAL_ID",
                        "PROVISIONER_PRINCIPAL_ID", IdempotencyRecordRepository.TABLE_VARIABLE,
                        DatamartVersionRepository.TABLE_VARIABLE),
                "ForwardProvisioningEventsFunction", Set.of("PROVISIONING_QUEUE_URL"),
                "PublishDatamartChangesFunction", Set.of("EVENT_BUS_NAME"));
        assertEquals(expected.keySet(), new HashSet<>(TEMPLATE.resourcesOfType("AWS::Serverless::Function")));
        expected.forEach((id, variables) -> assertEquals(variables,
                TemplateFunctions.environment(id).keySet(), () -> id + "'s environment"));
    }

    @ParameterizedTest
    @EnumSource(Fn.class)
    void limitsEachOrganizationsRequestsByTheParameter(Fn fn) {
        Map<String, JsonNode> variables = environment(fn);
        assertEquals("RequestCountersTable",
                variables.get(OrganizationRequestLimit.TABLE_VARIABLE).path("Ref").asText());
        assertEquals("OrganizationRequestsPerMinute",
                variables.get(OrganizationRequestLimit.LIMIT_VARIABLE).path("Ref").asText());
        JsonNode parameter = TEMPLATE.root().path("Parameters").path("OrganizationRequestsPerMinute");
        assertEquals("Number", parameter.path("Type").asText());
        assertEquals(0, parameter.path("MinValue").asInt(-1), "0 turns the limit off; nothing below");
        assertTrue(parameter.path("Default").asInt() > 0, "on by default");
        assertEquals(parameter.path("Default").asText(), TEMPLATE.function(fn.id, true).orElseThrow().environment()
                .get(OrganizationRequestLimit.LIMIT_VARIABLE), "what the local runner gives the function");
    }

    @Test
    void expiresTheRequestCountersByTtl() {
        JsonNode table = TEMPLATE.resource("RequestCountersTable").path("Properties");
        assertEquals("expiresAt", table.path("TimeToLiveSpecification").path("AttributeName").asText());
        assertTrue(table.path("TimeToLiveSpecification").path("Enabled").asBoolean());
        assertEquals(Map.of("counter", "HASH"), keySchema("RequestCountersTable"));
        assertEquals("PAY_PER_REQUEST", table.path("BillingMode").asText());
    }

    // ---------------------------------------------------------------------------------------------
    // Concurrency
    // ---------------------------------------------------------------------------------------------

    /** {@code Fn::If: [ReservesConcurrency, value, Ref: AWS::NoValue]}: the value, or fails. */
    static JsonNode reservedConcurrency(String functionId) {
        JsonNode reserved = TemplateFunctions.property(functionId, "ReservedConcurrentExecutions").path("Fn::If");
        assertEquals(3, reserved.size(), () -> functionId + " reserves concurrency behind the condition");
        assertEquals("ReservesConcurrency", reserved.get(0).asText());
        assertEquals("AWS::NoValue", reserved.get(2).path("Ref").asText());
        return reserved.get(1);
    }

    @ParameterizedTest
    @EnumSource(Fn.class)
    void reservesConcurrencyForEachApiFunctionByTheParameter(Fn fn) {
        assertEquals("ReservedConcurrencyPerApiFunction", reservedConcurrency(fn.id).path("Ref").asText());
    }

    @Test
    void reservesConcurrencyForEveryFunctionWithinTheAccountsDefaultQuota() {
        JsonNode parameter = TEMPLATE.root().path("Parameters").path("ReservedConcurrencyPerApiFunction");
        assertEquals(0, parameter.path("MinValue").asInt(-1), "0 reserves none");
        JsonNode condition = TEMPLATE.root().path("Conditions").path("ReservesConcurrency").path("Fn::Not").path(0)
                .path("Fn::Equals");
        assertEquals("ReservedConcurrencyPerApiFunction", condition.path(0).path("Ref").asText());
        assertEquals("0", condition.path(1).asText());

        int total = 0;
        for (String id : TEMPLATE.resourcesOfType("AWS::Serverless::Function")) {
            JsonNode value = reservedConcurrency(id);
            total += value.has("Ref") ? parameter.path("Default").asInt() : value.asInt();
        }
        // Lambda keeps 100 of an account's quota (1,000 by default) unreserved.
        int reserved = total;
        assertTrue(reserved > 0 && reserved <= 900, () -> "reserved in all: " + reserved);
    }

    @ParameterizedTest
    @EnumSource(Fn.class)
    void setsATokenCacheTtlTheCodeCanRead(Fn fn) {
        JsonNode ttl = environment(fn).get(DatamartApi.TOKEN_CACHE_TTL_VARIABLE);
        if (ttl != null) {
            assertTrue(ttl.asText().matches("\\d+"), () -> "a whole number of seconds, not " + ttl);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Permissions
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Fn.class)
    void grantsOnlySpecificTableArns(Fn fn) {
        for (JsonNode statement : statements(fn)) {
            assertEquals("Allow", statement.path("Effect").asText());
            List<JsonNode> resources = asList(statement.path("Resource"));
            assertFalse(resources.isEmpty(), () -> "statement without a resource: " + statement);
            for (JsonNode resource : resources) {
                assertFalse(resource.isTextual(), () -> "a literal resource, such as '*': " + statement);
                assertTrue(tableOf(resource) != null, () -> "not a table ARN: " + resource);
            }
            for (JsonNode action : asList(statement.path("Action"))) {
                assertTrue(action.asText().matches("dynamodb:[A-Z][A-Za-z]+"),
                        () -> "a specific DynamoDB action, not " + action);
            }
            assertFalse(statement.toString().contains("*"), () -> "no wildcard anywhere: " + statement);
        }
    }

    /** The actions each function holds on each table, from its statements. */
    static Map<String, Set<String>> grants(Fn fn) {
        Map<String, Set<String>> grants = new LinkedHashMap<>();
        for (JsonNode statement : statements(fn)) {
            for (JsonNode resource : asList(statement.path("Resource"))) {
                Set<String> actions = grants.computeIfAbsent(tableOf(resource), table -> new HashSet<>());
                asList(statement.path("Action")).forEach(action -> actions.add(action.asText()));
            }
        }
        return grants;
    }

    @ParameterizedTest
    @EnumSource(Fn.class)
    void readsTheTokenTableWithGetItemOnly(Fn fn) {
        assertEquals(Set.of("dynamodb:GetItem"), grants(fn).get("ServiceTokensTable"));
    }

    @Test
    void grantsEachFunctionOnlyTheCallsItsOperationsMake() {
        assertEquals(Map.of("DatamartsTable", Set.of("dynamodb:PutItem", "dynamodb:GetItem"),
                "DatasourcesTable", Set.of("dynamodb:ConditionCheckItem", "dynamodb:GetItem"),
                "ServiceTokensTable", Set.of("dynamodb:GetItem"),
                "RequestCountersTable", Set.of("dynamodb:UpdateItem"),
                "IdempotencyKeysTable", IDEMPOTENCY_RECORD_CALLS,
                "DatamartVersionsTable", Set.of("dynamodb:PutItem")), grants(Fn.CREATE));
        assertEquals(Map.of("DatamartsTable", Set.of("dynamodb:UpdateItem", "dynamodb:GetItem"),
                "DatasourcesTable", Set.of("dynamodb:GetItem"),
                "ServiceTokensTable", Set.of("dynamodb:GetItem"),
                "RequestCountersTable", Set.of("dynamodb:UpdateItem"),
                "IdempotencyKeysTable", IDEMPOTENCY_RECORD_CALLS,
                "DatamartVersionsTable", Set.of("dynamodb:PutItem", "dynamodb:DeleteItem")), grants(Fn.UPDATE));
        assertEquals(Map.of("DatamartsTable", Set.of("dynamodb:DeleteItem", "dynamodb:GetItem"),
                "ServiceTokensTable", Set.of("dynamodb:GetItem"),
                "RequestCountersTable", Set.of("dynamodb:UpdateItem"),
                "IdempotencyKeysTable", IDEMPOTENCY_RECORD_CALLS,
                "DatamartVersionsTable", Set.of("dynamodb:Query", "dynamodb:UpdateItem")), grants(Fn.DELETE));
        assertEquals(Map.of("DatamartsTable", Set.of("dynamodb:Query", "dynamodb:GetItem"),
                "DatamartsTable/index/" + DatamartRepository.NAMES_INDEX, Set.of("dynamodb:Query"),
                "ServiceTokensTable", Set.of("dynamodb:GetItem"),
                "RequestCountersTable", Set.of("dynamodb:UpdateItem"),
                "DatamartVersionsTable", Set.of("dynamodb:Query")), grants(Fn.READ));
    }

    // ---------------------------------------------------------------------------------------------
    // Tables
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    // Not RequestCountersTable nor ProvisioningAttemptsTable: their counts are worth nothing once expired.
    @ValueSource(strings = {"DatamartsTable", "DatasourcesTable", "ServiceTokensTable", "ProducerGrantsTable",
        "ParkedDatamartsTable", "IdempotencyKeysTable", "DatamartVersionsTable"})
    void protectsEveryTableOfRecords(String id) {
        JsonNode table = TEMPLATE.resource(id);
        JsonNode properties = table.path("Properties");
        assertEquals("Retain", table.path("DeletionPolicy").asText());
        assertEquals("Retain", table.path("UpdateReplacePolicy").asText());
        assertEquals("PAY_PER_REQUEST", properties.path("BillingMode").asText());
        assertTrue(properties.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean());
        assertTrue(properties.path("DeletionProtectionEnabled").asBoolean());
    }

    /** Claim (PutItem, GetItem of the record in the way), answer (UpdateItem), give up (DeleteItem). */
    static final Set<String> IDEMPOTENCY_RECORD_CALLS = Set.of("dynamodb:PutItem", "dynamodb:GetItem",
            "dynamodb:UpdateItem", "dynamodb:DeleteItem");

    @Test
    void declaresExactlyTheNineTables() {
        assertEquals(Set.of("DatamartsTable", "DatasourcesTable", "ServiceTokensTable", "ProducerGrantsTable",
                "RequestCountersTable", "ParkedDatamartsTable", "ProvisioningAttemptsTable", "IdempotencyKeysTable",
                "DatamartVersionsTable"),
                new HashSet<>(TEMPLATE.resourcesOfType("AWS::DynamoDB::Table")));
    }

    @Test
    void keysTheTablesTheWayTheCodeReadsThem() {
        Map<String, String> orgAndName = Map.of("organizationId", "HASH", "name", "RANGE");
        assertEquals(orgAndName, keySchema("DatamartsTable"));
        assertEquals(orgAndName, keySchema("DatasourcesTable"));
        assertEquals(Map.of("tokenHash", "HASH"), keySchema("ServiceTokensTable"));
        assertEquals(Map.of("producer", "HASH", "organizationId", "RANGE"), keySchema("ProducerGrantsTable"));
        assertEquals(Map.of("organizationId", "HASH", "idempotencyKey", "RANGE"), keySchema("IdempotencyKeysTable"));
        assertEquals(Map.of("datamart", "HASH", "entry", "RANGE"), keySchema("DatamartVersionsTable"));
    }

    @Test
    void expiresTheKeptVersionsOfDeletedDatamartsByTtl() {
        JsonNode properties = TEMPLATE.resource("DatamartVersionsTable").path("Properties");
        assertEquals("expiresAt", properties.path("TimeToLiveSpecification").path("AttributeName").asText());
        assertTrue(properties.path("TimeToLiveSpecification").path("Enabled").asBoolean());
        assertTrue(properties.path("SSESpecification").path("SSEEnabled").asBoolean());
        assertTrue(properties.path("StreamSpecification").isMissingNode(), "no stream: not a datamart change");
    }

    @Test
    void keepsIdempotencyRecordsByTtlWithAlarmsOnThrottlingAndErrorsOfEveryCall() {
        JsonNode properties = TEMPLATE.resource("IdempotencyKeysTable").path("Properties");
        assertEquals("expiresAt", properties.path("TimeToLiveSpecification").path("AttributeName").asText());
        assertTrue(properties.path("TimeToLiveSpecification").path("Enabled").asBoolean());
        assertTrue(properties.path("StreamSpecification").isMissingNode(), "no stream: not a datamart change");
        // Metrics DynamoDB publishes: throttle events per table; system errors per table and operation.
        Set<String> alarmed = new HashSet<>();
        for (String alarm : TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm")) {
            JsonNode alarmProperties = TEMPLATE.resource(alarm).path("Properties");
            for (JsonNode query : alarmProperties.path("Metrics")) {
                JsonNode metric = query.path("MetricStat").path("Metric");
                Map<String, String> dimensions = new LinkedHashMap<>();
                metric.path("Dimensions").forEach(d -> dimensions.put(d.path("Name").asText(),
                        d.path("Value").has("Ref") ? d.path("Value").path("Ref").asText() : d.path("Value").asText()));
                if ("IdempotencyKeysTable".equals(dimensions.get("TableName"))) {
                    assertEquals("OperationsAlarmTopic", alarmProperties.path("AlarmActions").get(0).path("Ref").asText());
                    String name = metric.path("MetricName").asText();
                    alarmed.add(dimensions.containsKey("Operation") ? name + "/" + dimensions.get("Operation") : name);
                    assertEquals(name.equals("SystemErrors"), dimensions.containsKey("Operation"),
                            () -> name + " is published with these dimensions: " + dimensions);
                }
            }
        }
        assertEquals(Set.of("ReadThrottleEvents", "WriteThrottleEvents", "SystemErrors/PutItem", "SystemErrors/GetItem",
                "SystemErrors/UpdateItem", "SystemErrors/DeleteItem", "SystemErrors/TransactWriteItems"), alarmed,
                "every call the functions make on the table");
    }

    @Test
    void indexesDatamartNamesAloneForFindingWhereAPageStarts() {
        JsonNode indexes = TEMPLATE.resource("DatamartsTable").path("Properties").path("GlobalSecondaryIndexes");
        assertEquals(1, indexes.size());
        JsonNode index = indexes.get(0);
        assertEquals(DatamartRepository.NAMES_INDEX, index.path("IndexName").asText());
        assertEquals("KEYS_ONLY", index.path("Projection").path("ProjectionType").asText(),
                "entries of keys alone: reading them is what makes page N cheap");
        Map<String, String> keys = new LinkedHashMap<>();
        index.path("KeySchema").forEach(key -> keys.put(key.path("AttributeName").asText(), key.path("KeyType").asText()));
        assertEquals(Map.of("organizationId", "HASH", "name", "RANGE"), keys, "name order within an organization");
    }

    static Map<String, String> keySchema(String table) {
        Map<String, String> keys = new LinkedHashMap<>();
        TEMPLATE.resource(table).path("Properties").path("KeySchema")
                .forEach(key -> keys.put(key.path("AttributeName").asText(), key.path("KeyType").asText()));
        TEMPLATE.resource(table).path("Properties").path("AttributeDefinitions")
                .forEach(a -> assertEquals("S", a.path("AttributeType").asText(), a.toString()));
        return keys;
    }

    // ---------------------------------------------------------------------------------------------
    // The file itself
    // ---------------------------------------------------------------------------------------------

    // ---------------------------------------------------------------------------------------------
    // Alarms and dashboard
    // ---------------------------------------------------------------------------------------------

    /** What a dimension's value names: "Id" for {@code Ref: Id}, "Id.Attribute" for {@code GetAtt [Id, Attribute]}. */
    static String named(JsonNode value) {
        if (value.has("Ref")) {
            return value.get("Ref").asText();
        }
        JsonNode getAtt = value.path("Fn::GetAtt");
        return getAtt.isArray() ? getAtt.get(0).asText() + "." + getAtt.get(1).asText() : value.asText();
    }

    /** The one alarm on {@code metric} of {@code namespace} with exactly these dimensions (by what they name). */
    static JsonNode alarm(String namespace, String metric, Map<String, String> dimensions) {
        List<JsonNode> found = new ArrayList<>();
        for (String id : TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm")) {
            JsonNode alarm = TEMPLATE.resource(id).path("Properties");
            Map<String, String> named = new LinkedHashMap<>();
            alarm.path("Dimensions").forEach(d -> named.put(d.path("Name").asText(), named(d.path("Value"))));
            if (namespace.equals(alarm.path("Namespace").asText()) && metric.equals(alarm.path("MetricName").asText())
                    && named.equals(dimensions)) {
                found.add(alarm);
            }
        }
        assertEquals(1, found.size(), () -> "one alarm on " + namespace + " " + metric + " " + dimensions);
        JsonNode alarm = found.get(0);
        assertEquals(List.of("OperationsAlarmTopic"), asList(alarm.path("AlarmActions")).stream()
                .map(TemplateTest::named).toList(), alarm::toString);
        assertEquals("notBreaching", alarm.path("TreatMissingData").asText(), "no traffic is no failure");
        return alarm;
    }

    @Test
    void alarmsOnAnyErrorOrThrottleOfEveryFunction() {
        List<String> functions = TEMPLATE.resourcesOfType("AWS::Serverless::Function");
        assertEquals(7, functions.size());
        for (String id : functions) {
            for (String metric : List.of("Errors", "Throttles")) {
                JsonNode alarm = alarm("AWS/Lambda", metric, Map.of("FunctionName", id));
                assertEquals("Sum", alarm.path("Statistic").asText(), id);
                assertEquals(1.0, alarm.path("Threshold").asDouble(), id);
                assertEquals("GreaterThanOrEqualToThreshold", alarm.path("ComparisonOperator").asText(), id);
            }
        }
    }

    @Test
    void alarmsOnTheHttpApis5xxAndOnItsP99LatencyBelowTheIntegrationTimeout() {
        Map<String, String> api = Map.of("ApiId", "DatamartHttpApi");
        JsonNode errors = alarm("AWS/ApiGateway", "5xx", api);
        assertEquals("Sum", errors.path("Statistic").asText());
        assertTrue(errors.path("Threshold").asDouble() >= 1);

        JsonNode latency = alarm("AWS/ApiGateway", "Latency", api);
        assertEquals("p99", latency.path("ExtendedStatistic").asText());
        assertEquals("GreaterThanThreshold", latency.path("ComparisonOperator").asText());
        double timeoutMillis = TEMPLATE.root().path("Globals").path("Function").path("Timeout").asInt() * 1000.0;
        assertTrue(latency.path("Threshold").asDouble() > 0 && latency.path("Threshold").asDouble() < timeoutMillis,
                "milliseconds, under the timeout at which requests fail anyway");
    }

    @Test
    void showsTheMainFiguresOnOneDashboardOfThisTemplatesResourcesAndTheMetricsTheCodeWrites() throws IOException {
        List<String> dashboards = TEMPLATE.resourcesOfType("AWS::CloudWatch::Dashboard");
        assertEquals(1, dashboards.size());
        String body = TEMPLATE.resource(dashboards.get(0)).path("Properties").path("DashboardBody").path("Fn::Sub")
                .asText();
        Matcher reference = Pattern.compile("\\$\\{([\\w:]+)(\\.\\w+)?}").matcher(body);
        while (reference.find()) {
            String id = reference.group(1);
            assertTrue(id.startsWith("AWS::") || !TEMPLATE.resource(id).isMissingNode(),
                    () -> "the dashboard names " + reference.group() + ", not a resource of this template");
        }
        JsonNode widgets = io.datamart.api.Json.MAPPER.readTree(body.replaceAll("\\$\\{([\\w:.]+)}", "$1"))
                .path("widgets");
        Set<String> shown = new HashSet<>();
        widgets.forEach(widget -> widget.path("properties").path("metrics").forEach(metric -> {
            JsonNode first = metric.get(0);
            if (first.isObject()) {
                shown.add(first.path("expression").asText());
            } else {
                StringBuilder row = new StringBuilder();
                metric.forEach(part -> row.append(part.isTextual() ? part.asText() + " " : ""));
                shown.add(row.toString().strip());
            }
        }));
        for (String id : TEMPLATE.resourcesOfType("AWS::Serverless::Function")) {
            assertTrue(shown.contains("AWS/Lambda Errors FunctionName " + id), () -> id + " errors: " + shown);
            assertTrue(shown.contains("AWS/Lambda Throttles FunctionName " + id), () -> id + " throttles: " + shown);
        }
        for (String metric : List.of("Count", "4xx", "5xx", "Latency")) {
            assertTrue(shown.contains("AWS/ApiGateway " + metric + " ApiId DatamartHttpApi"), metric);
        }
        assertTrue(shown.contains("AWS/SQS ApproximateAgeOfOldestMessage QueueName ProvisioningQueue.QueueName"));
        for (Operation operation : Operation.values()) {
            assertTrue(shown.contains(EmbeddedMetrics.NAMESPACE + " " + ApiGatewayHandler.LATENCY_METRIC + " "
                    + EmbeddedMetrics.OPERATION + " " + operation.name()), operation::name);
        }
        for (String metric : List.of(ApiGatewayHandler.REQUESTS_METRIC, ProvisioningPipeline.MESSAGES_METRIC,
                EmbeddedMetrics.COLD_STARTS)) {
            assertTrue(shown.stream().anyMatch(expression -> expression.startsWith("SEARCH('{"
                    + EmbeddedMetrics.NAMESPACE + ",") && expression.contains("MetricName=\"" + metric + "\"")),
                    () -> metric + " in " + shown);
        }
    }

    @Test
    void outputsTheApiUrl() {
        JsonNode apiUrl = TEMPLATE.root().path("Outputs").path("ApiUrl");
        assertTrue(apiUrl.isObject(), "Outputs.ApiUrl");
        assertTrue(apiUrl.path("Value").path("Fn::Sub").asText().contains("${DatamartHttpApi}"), apiUrl::toString);
    }

    @Test
    void usesNoShortFormIntrinsicTags() throws IOException {
        List<String> lines = Files.readAllLines(ProjectFiles.template());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String code = line.strip().startsWith("#") ? "" : line.replaceAll("\\s#.*$", "");
            Matcher found = SHORT_FORM_TAG.matcher(code);
            int number = i + 1;
            assertFalse(found.find(), () -> "template.yaml:" + number + " uses a short-form tag: " + line);
        }
    }

    @Test
    void recognisesAShortFormTagWhenThereIsOne() {
        assertTrue(SHORT_FORM_TAG.matcher("  Value: !Ref DatamartsTable").find());
        assertTrue(SHORT_FORM_TAG.matcher("  - !GetAtt [DatamartsTable, Arn]").find());
        assertTrue(SHORT_FORM_TAG.matcher("!Sub x").find());
        assertFalse(SHORT_FORM_TAG.matcher("  Format: \"$context.status\"").find());
    }
}
