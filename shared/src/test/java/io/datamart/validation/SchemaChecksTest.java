package io.datamart.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.DatamartUpdate;
import io.datamart.domain.Datasource;
import io.datamart.domain.Table;
import io.datamart.error.Violation;
import io.datamart.testing.Fixtures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every schema-aware check, positive and negative, on the demo catalog (Fixtures.CATALOG). */
class SchemaChecksTest {
    private static final DatamartValidator VALIDATOR = new DatamartValidator();
    private static final Datasource WAREHOUSE = new Datasource("demo", "warehouse", Fixtures.CATALOG);

    /** path -> message of every schema violation of a valid create body against the demo catalog. */
    private static Map<String, String> create(ObjectNode body) {
        ValidatedBody<DatamartDefinition> read = VALIDATOR.readCreate(body);
        read.orThrow(); // the body itself is valid: these tests are about the schema alone
        return byPath(SchemaChecks.check(WAREHOUSE, read.names(), null));
    }

    private static Map<String, String> byPath(List<Violation> violations) {
        Map<String, String> paths = new LinkedHashMap<>();
        violations.forEach(v -> paths.merge(v.path(), v.message(), (a, b) -> a + " | " + b));
        return paths;
    }

    private static ObjectNode documented() {
        return Fixtures.documentedCreateBody();
    }

    private static ObjectNode table(ObjectNode body) {
        return (ObjectNode) body.path("tableList").path(0);
    }

    private static ObjectNode column(ObjectNode body, int index) {
        return (ObjectNode) table(body).path("columns").path(index);
    }

    @Test
    void acceptsTheDocumentedExampleAgainstTheDemoSchema() {
        assertEquals(Map.of(), create(documented()));
    }

    @Test
    void reportsATableMissingFromTheDatasourceWithASuggestion() {
        ObjectNode body = documented();
        table(body).put("name", "order");

        Map<String, String> violations = create(body);

        assertEquals("names table 'public.order', which datasource 'warehouse' does not have (did you mean 'public.orders'?)",
                violations.get("tableList[0].name"));
    }

    @Test
    void reportsATableInTheWrongSchema() {
        ObjectNode body = documented();
        table(body).put("schemaName", "sales");
        assertTrue(create(body).get("tableList[0].name").startsWith("names table 'sales.orders', which"));
    }

    @Test
    void matchesTableNamesCaseSensitively() {
        ObjectNode body = documented();
        table(body).put("name", "Orders");
        assertTrue(create(body).get("tableList[0].name").contains("(did you mean 'public.orders'?)"));
    }

    @Test
    void allowsLeavingOutTheSchemaWhereTheTableNameIsUnambiguous() {
        ObjectNode body = documented();
        table(body).remove("schemaName");
        assertEquals(Map.of(), create(body));
    }

    @Test
    void checksTheColumnsOfATableSentWithoutItsSchema() {
        ObjectNode body = documented();
        table(body).remove("schemaName");
        column(body, 0).put("name", "orderid");
        ((ArrayNode) table(body).path("columns")).addObject().put("name", "total").put("isCustomColumn", true)
                .put("sql", "quantity * unit_prise");

        Map<String, String> violations = create(body);

        assertEquals(Map.of(
                "tableList[0].columns[0].name",
                "names 'orderid', which is not a column of table 'public.orders' (did you mean 'order_id'?)",
                "tableList[0].columns[3].sql", "references unknown column 'unit_prise' (did you mean 'unit_price'?)"),
                violations);
    }

    @Test
    void checksTheClientColumnOfATableSentWithoutItsSchema() {
        ObjectNode body = documented();
        table(body).remove("schemaName");
        table(body).put("clientColumn", "tenant");
        assertEquals(Map.of("tableList[0].clientColumn",
                "names 'tenant', which is not a column of table 'public.orders' (did you mean 'tenant_id'?)"),
                create(body));
    }

    @Test
    void requiresTheSchemaWhereTheTableNameIsInTwoSchemas() {
        ObjectNode body = documented();
        table(body).put("name", "events").remove("schemaName");
        ((ArrayNode) table(body).path("columns")).removeAll().addObject().put("name", "event_id");
        table(body).remove("clientColumn");
        body.remove("relationships");

        Map<String, String> violations = create(body);

        assertEquals("names 'events', which is in more than one schema of datasource 'warehouse' (public.events, audit.events): "
                + "send schemaName", violations.get("tableList[0].name"));
        table(body).put("schemaName", "audit");
        assertEquals(Map.of(), create(body));
    }

    @Test
    void reportsEachMissingColumnWithASuggestion() {
        ObjectNode body = documented();
        column(body, 0).put("name", "orderid");
        column(body, 2).put("name", "shipped_at");

        Map<String, String> violations = create(body);

        assertEquals("names 'orderid', which is not a column of table 'public.orders' (did you mean 'order_id'?)",
                violations.get("tableList[0].columns[0].name"));
        assertEquals("names 'shipped_at', which is not a column of table 'public.orders'",
                violations.get("tableList[0].columns[2].name"));
        assertEquals(2, violations.size());
    }

    @Test
    void doesNotLookUpACustomColumnsNameInTheTable() {
        ObjectNode body = documented();
        ((ArrayNode) table(body).path("columns")).addObject().put("name", "total").put("isCustomColumn", true)
                .put("sql", "quantity * unit_price");
        assertEquals(Map.of(), create(body));
    }

    @Test
    void reportsACustomColumnsSqlThatReferencesAColumnItsTableLacks() {
        ObjectNode body = documented();
        ((ArrayNode) table(body).path("columns")).addObject().put("name", "full_name").put("isCustomColumn", true)
                .put("sql", "CONCAT(first_name, ' ', last_name)");

        Map<String, String> violations = create(body);

        assertEquals(1, violations.size(), violations::toString);
        String problem = violations.get("tableList[0].columns[3].sql");
        assertTrue(problem.contains("first_name") && problem.contains("last_name"), problem);
    }

    @Test
    void reportsAClientColumnMissingFromItsTable() {
        ObjectNode body = documented();
        table(body).put("clientColumn", "tenant");
        assertEquals("names 'tenant', which is not a column of table 'public.orders' (did you mean 'tenant_id'?)",
                create(body).get("tableList[0].clientColumn"));
    }

    @Test
    void reportsATableTenancyMappingTableThatDoesNotExist() {
        ObjectNode body = documented();
        ((ObjectNode) body.path("tenancySettings")).put("tableName", "client_map");
        assertEquals("names table 'public.client_map', which datasource 'warehouse' does not have "
                + "(did you mean 'public.client_mapping'?)", create(body).get("tenancySettings.tableName"));
    }

    @Test
    void reportsTableTenancyMappingColumnsThatDoNotExist() {
        ObjectNode body = documented();
        ((ObjectNode) body.path("tenancySettings")).put("tableClientNameColumn", "clientid")
                .put("tablePrimaryKeyColumn", "pk");

        Map<String, String> violations = create(body);

        assertEquals("names 'clientid', which is not a column of table 'public.client_mapping' (did you mean 'client_id'?)",
                violations.get("tenancySettings.tableClientNameColumn"));
        assertTrue(violations.get("tenancySettings.tablePrimaryKeyColumn").startsWith("names 'pk', which is not a column"));
    }

    @Test
    void doesNotCheckTheMappingTableOfOtherTenancyLevels() {
        ObjectNode body = documented();
        ((ObjectNode) body.path("tenancySettings")).put("tenancyLevel", "DATABASE").put("tableName", "nothing");
        assertEquals(Map.of(), create(body));
    }

    @Test
    void reportsEachEndOfARelationshipThatDoesNotExist() {
        ObjectNode body = documented();
        ((ObjectNode) body.path("relationships").path(0)).put("parentColumnName", "customer")
                .put("childTableName", "customer");

        Map<String, String> violations = create(body);

        assertEquals("names 'customer', which is not a column of table 'public.orders' (did you mean 'customer_id'?)",
                violations.get("relationships[0].parentColumnName"));
        assertEquals("names table 'customer', which datasource 'warehouse' does not have (did you mean 'public.customers'?)",
                violations.get("relationships[0].childTableName"));
        assertEquals(2, violations.size(), "the child's column is not checked once its table is missing");
    }

    /** The documented body with audit.events in its table list and a relationship from events' {@code column}. */
    private static ObjectNode relatingAuditEvents(String column) {
        ObjectNode body = documented();
        ObjectNode events = ((ArrayNode) body.path("tableList")).addObject().put("schemaName", "audit")
                .put("name", "events");
        events.putArray("columns").addObject().put("name", "event_id");
        ((ObjectNode) body.path("relationships").path(0)).put("parentTableName", "events")
                .put("parentColumnName", column).put("childTableName", "orders").put("childColumnName", "order_id");
        return body;
    }

    @Test
    void takesARelationshipEndInTheSchemaItsTableHasInTheTableList() {
        // events is in two schemas; the relationship says only "events", the table list says audit.
        assertEquals(Map.of(), create(relatingAuditEvents("actor")));
        assertEquals(Map.of("relationships[0].parentColumnName",
                "names 'occurred_at', which is not a column of table 'audit.events'"),
                create(relatingAuditEvents("occurred_at")), "public.events' column is not audit.events'");
    }

    @Test
    void takesAnUpdatesRelationshipEndInTheSchemaItsTableHasInTheStoredTableList() {
        List<Table> stored = VALIDATOR.validateCreate(relatingAuditEvents("actor")).tableList();
        assertEquals(List.of(), updateRelatingEvents("actor", stored));
        assertEquals(List.of(new Violation("relationships[0].parentColumnName",
                "names 'occurred_at', which is not a column of table 'audit.events'")),
                updateRelatingEvents("occurred_at", stored));
    }

    /** The schema misses of an update that sends only a relationship from events' {@code column}. */
    private static List<Violation> updateRelatingEvents(String column, List<Table> stored) {
        ValidatedBody<DatamartUpdate> update = VALIDATOR.readUpdate(Fixtures.object("""
                {"datamartName": "sales-analytics",
                 "relationships": [{"parentTableName": "events", "parentColumnName": "%s",
                   "childTableName": "orders", "childColumnName": "order_id", "relationshipName": "r"}]}"""
                .formatted(column)));
        update.orThrow();
        return SchemaChecks.check(WAREHOUSE, update.names(), stored);
    }

    @Test
    void acceptsARelationshipToATableThatIsNotInTheDatamart() {
        // The documented example's child table, customers, is in the datasource but not in tableList.
        assertEquals(Map.of(), create(documented()));
    }

    @Test
    void checksOnlyThePartsAnUpdateSends() {
        ValidatedBody<DatamartUpdate> update = VALIDATOR.readUpdate(Fixtures.object("""
                {"datamartName": "sales-analytics",
                 "relationships": [{"parentTableName": "orders", "parentColumnName": "nope",
                   "childTableName": "customers", "childColumnName": "id", "relationshipName": "r"}]}"""));
        DatamartDefinition stored = VALIDATOR.validateCreate(documented());

        update.orThrow();

        List<Violation> violations = SchemaChecks.check(WAREHOUSE, update.names(), stored.tableList());

        assertEquals(List.of(new Violation("relationships[0].parentColumnName",
                "names 'nope', which is not a column of table 'public.orders'")), violations);
    }

    @Test
    void refusesToCheckAgainstAnUnknownSchema() {
        Datasource unknown = new Datasource("demo", "postgres-main", null);
        assertThrows(IllegalArgumentException.class,
                () -> SchemaChecks.check(unknown, new SchemaNames(), List.of()));
    }

    @Test
    void requiresTheSchemaOfARelationshipTableThatIsNotInTheDatamartAndIsInTwoSchemas() {
        // The table list is complete, so events is in no schema of the datamart: the catalog alone decides.
        ObjectNode body = documented();
        ((ObjectNode) body.path("relationships").path(0)).put("childTableName", "events")
                .put("childColumnName", "event_id");

        assertEquals(Map.of("relationships[0].childTableName", "names 'events', which is in more than one schema "
                + "of datasource 'warehouse' (public.events, audit.events): send schemaName"), create(body));
    }

    /** The documented body with events twice in its table list, first as {@code first}, then as {@code second}. */
    private static ObjectNode listingEventsTwice(String firstSchema, String secondSchema) {
        ObjectNode body = documented();
        for (String schema : new String[] {firstSchema, secondSchema}) {
            ObjectNode events = ((ArrayNode) body.path("tableList")).addObject().put("name", "events");
            if (schema != null) {
                events.put("schemaName", schema);
            }
            events.putArray("columns").addObject().put("name", "event_id");
        }
        ((ObjectNode) body.path("relationships").path(0)).put("parentTableName", "events")
                .put("parentColumnName", "actor");
        return body;
    }

    @Test
    void takesARelationshipEndInTheSchemaTheTableListSendsWithItsNameWhereverThatIs() {
        // events without a schema is ambiguous in itself; the relationship end takes audit, sent beside it.
        String ambiguous = "names 'events', which is in more than one schema of datasource 'warehouse' "
                + "(public.events, audit.events): send schemaName";
        assertEquals(Map.of("tableList[1].name", ambiguous), create(listingEventsTwice(null, "audit")));
        assertEquals(Map.of("tableList[2].name", ambiguous), create(listingEventsTwice("audit", null)));
    }

    @Test
    void takesAnUpdatesRelationshipEndInTheSchemaTheStoredTableListSendsWithItsName() {
        Table bare = new Table("events", null, null, null, null, null, List.of());
        Table audit = new Table("events", "audit", null, null, null, null, List.of());
        assertEquals(List.of(), updateRelatingEvents("actor", List.of(bare, audit)));
        assertEquals(List.of(), updateRelatingEvents("actor", List.of(audit, bare)));
    }
}
