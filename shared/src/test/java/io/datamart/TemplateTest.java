package io.datamart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.datamart.api.DatamartApi;
import io.datamart.api.Operation;
import io.datamart.api.Route;
import io.datamart.persistence.TableNames;
import io.datamart.testing.ProjectFiles;
import io.datamart.testing.Template;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

/** template.yaml, read as data, against the code it deploys. */
class TemplateTest {
    private static final Template TEMPLATE = Template.load();
    private static final Map<String, String> TABLE_VARIABLES = Map.of(
            TableNames.DATAMARTS_VARIABLE, "DatamartsTable",
            TableNames.DATASOURCES_VARIABLE, "DatasourcesTable",
            TableNames.SERVICE_TOKENS_VARIABLE, "ServiceTokensTable");
    /** A YAML tag such as {@code !Ref} or {@code !GetAtt} where a value starts. */
    private static final Pattern SHORT_FORM_TAG = Pattern.compile("(^|[\\s\\[{,:-])!\\w");

    /** "create", "update", "delete". */
    static String op(Operation operation) {
        return operation.name().toLowerCase();
    }

    /** "Create", "Update", "Delete". */
    static String capitalized(Operation operation) {
        String op = op(operation);
        return Character.toUpperCase(op.charAt(0)) + op.substring(1);
    }

    static String functionId(Operation operation) {
        return capitalized(operation) + "DatamartFunction";
    }

    static JsonNode function(Operation operation) {
        JsonNode function = TEMPLATE.resource(functionId(operation));
        assertEquals("AWS::Serverless::Function", function.path("Type").asText());
        return function;
    }

    /** A function property as deployed: the function's own value, else the Globals one. */
    static JsonNode property(Operation operation, String name) {
        JsonNode own = function(operation).path("Properties").path(name);
        return own.isMissingNode() ? TEMPLATE.root().path("Globals").path("Function").path(name) : own;
    }

    /** Environment variables as deployed: Globals merged with the function's own. */
    static Map<String, JsonNode> environment(Operation operation) {
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        TEMPLATE.root().path("Globals").path("Function").path("Environment").path("Variables").fields()
                .forEachRemaining(v -> variables.put(v.getKey(), v.getValue()));
        function(operation).path("Properties").path("Environment").path("Variables").fields()
                .forEachRemaining(v -> variables.put(v.getKey(), v.getValue()));
        return variables;
    }

    static List<JsonNode> statements(Operation operation) {
        List<JsonNode> statements = new ArrayList<>();
        JsonNode policies = function(operation).path("Properties").path("Policies");
        assertTrue(policies.isArray() && !policies.isEmpty(), functionId(operation) + " has inline policies");
        for (JsonNode policy : policies) {
            assertTrue(policy.isObject() && policy.has("Statement"),
                    () -> functionId(operation) + " uses only inline policy documents, not " + policy);
            policy.path("Statement").forEach(statements::add);
        }
        return statements;
    }

    static List<JsonNode> asList(JsonNode node) {
        List<JsonNode> list = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(list::add);
        } else if (!node.isMissingNode()) {
            list.add(node);
        }
        return list;
    }

    /** The logical id of the table a resource entry names, as {@code Fn::GetAtt: [Table, Arn]}; null otherwise. */
    static String tableOf(JsonNode resource) {
        JsonNode getAtt = resource.path("Fn::GetAtt");
        if (getAtt.isArray() && getAtt.size() == 2 && "Arn".equals(getAtt.get(1).asText())) {
            String id = getAtt.get(0).asText();
            return "AWS::DynamoDB::Table".equals(TEMPLATE.resource(id).path("Type").asText()) ? id : null;
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------
    // Routes and code
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Operation.class)
    void wiresExactlyTheRoutesOfEachOperationToItsFunction(Operation operation) {
        Set<String> wired = new HashSet<>();
        function(operation).path("Properties").path("Events").fields().forEachRemaining(event -> {
            JsonNode properties = event.getValue().path("Properties");
            assertEquals("HttpApi", event.getValue().path("Type").asText(), event.getKey());
            assertEquals("DatamartHttpApi", properties.path("ApiId").path("Ref").asText(), event.getKey());
            assertEquals("2.0", properties.path("PayloadFormatVersion").asText(), event.getKey());
            assertTrue(wired.add(properties.path("Method").asText() + " " + properties.path("Path").asText()),
                    () -> "route wired twice: " + event.getKey());
        });
        Set<String> routes = Arrays.stream(Route.values()).filter(route -> route.operation() == operation)
                .map(route -> route.method() + " " + route.path()).collect(Collectors.toSet());
        assertEquals(routes, wired);
    }

    @Test
    void wiresEveryRouteOnceAcrossAllFunctions() {
        List<String> wired = new ArrayList<>();
        for (String id : TEMPLATE.resourcesOfType("AWS::Serverless::Function")) {
            TEMPLATE.resource(id).path("Properties").path("Events").forEach(event -> wired.add(
                    event.path("Properties").path("Method").asText() + " " + event.path("Properties").path("Path").asText()));
        }
        assertEquals(Route.values().length, wired.size(), () -> "wired: " + wired);
        assertEquals(Route.values().length, new HashSet<>(wired).size(), () -> "wired: " + wired);
    }

    @Test
    void hasOneFunctionPerOperation() {
        assertEquals(Arrays.stream(Operation.values()).map(TemplateTest::functionId).collect(Collectors.toSet()),
                new HashSet<>(TEMPLATE.resourcesOfType("AWS::Serverless::Function")));
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void pointsCodeUriAtTheJarItsModuleBuilds(Operation operation) throws IOException {
        String op = op(operation);
        assertEquals("functions/" + op + "-datamart/target/" + op + "-datamart.jar",
                property(operation, "CodeUri").asText());
        String pom = Files.readString(ProjectFiles.root().resolve("functions/" + op + "-datamart/pom.xml"));
        assertTrue(pom.contains("<finalName>" + op + "-datamart</finalName>"),
                () -> "functions/" + op + "-datamart/pom.xml builds target/" + op + "-datamart.jar");
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void namesTheHandlerClassOfItsModule(Operation operation) throws IOException {
        String op = op(operation);
        String className = capitalized(operation) + "DatamartHandler";
        assertEquals("io.datamart.functions." + op + "." + className + "::handleRequest",
                property(operation, "Handler").asText());
        Path source = ProjectFiles.root().resolve("functions/" + op + "-datamart/src/main/java/io/datamart/functions/"
                + op + "/" + className + ".java");
        assertTrue(Files.exists(source), () -> source + " exists");
        String code = Files.readString(source);
        assertTrue(code.contains("implements RequestStreamHandler") && code.contains("void handleRequest("),
                () -> className + " is a RequestStreamHandler");
        assertTrue(code.contains("Operation." + operation.name()), () -> className + " serves " + operation);
    }

    // ---------------------------------------------------------------------------------------------
    // Runtime settings
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Operation.class)
    void runsOnJava25(Operation operation) {
        assertEquals("java25", property(operation, "Runtime").asText());
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void usesSnapStartOnPublishedVersionsWithAnAutoPublishedAlias(Operation operation) {
        assertEquals("PublishedVersions", property(operation, "SnapStart").path("ApplyOn").asText());
        assertFalse(property(operation, "AutoPublishAlias").asText().isBlank(),
                "SnapStart only applies to published versions");
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void logsJson(Operation operation) {
        assertEquals("JSON", property(operation, "LoggingConfig").path("LogFormat").asText());
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void passesEachTableToTheFunctionByReference(Operation operation) {
        Map<String, JsonNode> variables = environment(operation);
        TABLE_VARIABLES.forEach((variable, table) -> {
            assertEquals(table, variables.getOrDefault(variable, com.fasterxml.jackson.databind.node.MissingNode
                    .getInstance()).path("Ref").asText(), () -> variable + " of " + functionId(operation));
            assertEquals("AWS::DynamoDB::Table", TEMPLATE.resource(table).path("Type").asText());
        });
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void setsATokenCacheTtlTheCodeCanRead(Operation operation) {
        JsonNode ttl = environment(operation).get(DatamartApi.TOKEN_CACHE_TTL_VARIABLE);
        if (ttl != null) {
            assertTrue(ttl.asText().matches("\\d+"), () -> "a whole number of seconds, not " + ttl);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Permissions
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Operation.class)
    void grantsOnlySpecificTableArns(Operation operation) {
        for (JsonNode statement : statements(operation)) {
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
    static Map<String, Set<String>> grants(Operation operation) {
        Map<String, Set<String>> grants = new LinkedHashMap<>();
        for (JsonNode statement : statements(operation)) {
            for (JsonNode resource : asList(statement.path("Resource"))) {
                Set<String> actions = grants.computeIfAbsent(tableOf(resource), table -> new HashSet<>());
                asList(statement.path("Action")).forEach(action -> actions.add(action.asText()));
            }
        }
        return grants;
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void readsTheTokenTableWithGetItemOnly(Operation operation) {
        assertEquals(Set.of("dynamodb:GetItem"), grants(operation).get("ServiceTokensTable"));
    }

    @Test
    void grantsEachFunctionOnlyTheWritesItsOperationMakes() {
        assertEquals(Map.of("DatamartsTable", Set.of("dynamodb:PutItem"),
                "DatasourcesTable", Set.of("dynamodb:ConditionCheckItem"),
                "ServiceTokensTable", Set.of("dynamodb:GetItem")), grants(Operation.CREATE));
        assertEquals(Map.of("DatamartsTable", Set.of("dynamodb:UpdateItem"),
                "ServiceTokensTable", Set.of("dynamodb:GetItem")), grants(Operation.UPDATE));
        assertEquals(Map.of("DatamartsTable", Set.of("dynamodb:DeleteItem"),
                "ServiceTokensTable", Set.of("dynamodb:GetItem")), grants(Operation.DELETE));
    }

    // ---------------------------------------------------------------------------------------------
    // Tables
    // ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"DatamartsTable", "DatasourcesTable", "ServiceTokensTable"})
    void protectsEveryTable(String id) {
        JsonNode table = TEMPLATE.resource(id);
        JsonNode properties = table.path("Properties");
        assertEquals("Retain", table.path("DeletionPolicy").asText());
        assertEquals("Retain", table.path("UpdateReplacePolicy").asText());
        assertEquals("PAY_PER_REQUEST", properties.path("BillingMode").asText());
        assertTrue(properties.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean());
        assertTrue(properties.path("DeletionProtectionEnabled").asBoolean());
    }

    @Test
    void declaresExactlyTheThreeTables() {
        assertEquals(Set.of("DatamartsTable", "DatasourcesTable", "ServiceTokensTable"),
                new HashSet<>(TEMPLATE.resourcesOfType("AWS::DynamoDB::Table")));
    }

    @Test
    void keysTheTablesTheWayTheCodeReadsThem() {
        Map<String, String> orgAndName = Map.of("organizationId", "HASH", "name", "RANGE");
        assertEquals(orgAndName, keySchema("DatamartsTable"));
        assertEquals(orgAndName, keySchema("DatasourcesTable"));
        assertEquals(Map.of("tokenHash", "HASH"), keySchema("ServiceTokensTable"));
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
