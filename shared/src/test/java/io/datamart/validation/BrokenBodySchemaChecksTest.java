package io.datamart.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.DatamartUpdate;
import io.datamart.domain.Datasource;
import io.datamart.error.InvalidRequestException;
import io.datamart.error.Violation;
import io.datamart.testing.BrokenParts;
import io.datamart.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A body with problems of its own still has every well-formed part checked against the
 * datasource's schema: one answer lists the structural violations, then the schema misses,
 * each at its path in the body as sent.
 */
class BrokenBodySchemaChecksTest {
    private static final DatamartValidator VALIDATOR = new DatamartValidator();
    private static final Datasource WAREHOUSE = new Datasource("demo", "warehouse", Fixtures.CATALOG);

    /** Every violation of a create body against the demo catalog, in the order answered. */
    private static List<Violation> create(String body) {
        return assertThrows(InvalidRequestException.class,
                () -> VALIDATOR.readCreate(Fixtures.object(body)).checkedAgainst(WAREHOUSE, null)).violations();
    }

    /** The same for an update of a datamart whose stored table list is the documented one. */
    private static List<Violation> update(String body) {
        var stored = VALIDATOR.validateCreate(Fixtures.documentedCreateBody()).tableList();
        return assertThrows(InvalidRequestException.class,
                () -> VALIDATOR.readUpdate(Fixtures.object(body)).checkedAgainst(WAREHOUSE, stored)).violations();
    }

    private static Violation v(String path, String message) {
        return new Violation(path, message);
    }

    /** The body: an unknown field, a missing column, a missing table, a missing relationship column. */
    static final String ALL_AT_ONCE = BrokenParts.create("warehouse");

    @Test
    void listsTheBodysOwnViolationsThenEverySchemaMiss() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> VALIDATOR.readCreate(Fixtures.object(ALL_AT_ONCE)).checkedAgainst(WAREHOUSE, null));

        assertEquals(List.of(
                v("tableList[0].isHidden", "is not a known field (did you mean 'isHide'?)"),
                v("tableList[1].columns[1].name",
                        "names 'emal', which is not a column of table 'public.customers' (did you mean 'email'?)"),
                v("tableList[2].name", "names table 'public.invoices', which datasource 'warehouse' does not have"),
                v("relationships[0].childColumnName",
                        "names 'customer_id', which is not a column of table 'public.customers'")),
                refused.violations());
        assertEquals("Invalid request body: 4 problems, the first: tableList[0].isHidden is not a known field "
                + "(did you mean 'isHide'?)", refused.getMessage());
    }

    @Test
    void answersTheSameForAValidBodyAsTheSchemaChecksAlone() {
        ObjectNode body = Fixtures.object(ALL_AT_ONCE);
        ((ObjectNode) body.path("tableList").path(0)).remove("isHidden");

        assertEquals(List.of(
                v("tableList[1].columns[1].name",
                        "names 'emal', which is not a column of table 'public.customers' (did you mean 'email'?)"),
                v("tableList[2].name", "names table 'public.invoices', which datasource 'warehouse' does not have"),
                v("relationships[0].childColumnName",
                        "names 'customer_id', which is not a column of table 'public.customers'")),
                create(body.toString()));
    }

    @Test
    void resolvesATableWhoseOtherFieldsAreBroken() {
        assertEquals(List.of(
                v("tableList[0].isHide", "must be true or false, not 'no'"),
                v("tableList[0].columns", "must be an array, not 'order_id'"),
                v("tableList[1].label", "must be a string, not a number"),
                v("relationships[0].parentTableName", "must be a string, not a number"),
                v("tableList[0].clientColumn",
                        "names 'tenant', which is not a column of table 'public.orders' (did you mean 'tenant_id'?)"),
                v("tableList[1].name",
                        "names table 'public.order', which datasource 'warehouse' does not have "
                                + "(did you mean 'public.orders'?)")),
                create("""
                        {"name": "m", "datasourceName": "warehouse", "tableList": [
                           {"schemaName": "public", "name": "orders", "clientColumn": "tenant", "isHide": "no",
                            "columns": "order_id"},
                           {"schemaName": "public", "name": "order", "label": 1, "columns": [{"name": "x"}]}],
                         "relationships": [{"parentTableName": 1, "parentColumnName": "a",
                           "childTableName": "customers", "childColumnName": "id", "relationshipName": "r"}]}"""));
    }

    @Test
    void leavesATableWithABrokenNameOrSchemaNameToItsOwnViolations() {
        // Neither table can be looked up, so neither its columns nor its clientColumn are.
        assertEquals(List.of(
                v("tableList[0].schemaName", "must be a string, not a number"),
                v("tableList[1].name", "must not contain control characters: no database takes them in a name"),
                v("tableList[2].name", "is required")),
                create("""
                        {"name": "m", "datasourceName": "warehouse", "tableList": [
                           {"schemaName": 5, "name": "orders", "clientColumn": "nope", "columns": [{"name": "nope"}]},
                           {"name": "ord\\u0000ers", "columns": [{"name": "nope"}]},
                           {"schemaName": "public", "columns": [{"name": "nope"}]}]}"""));
    }

    @Test
    void checksEachColumnWithAUsableNameAndEachCustomColumnsSqlThatPassedItsOwnChecks() {
        // Not looked up: a name that is not a string, the name of a column that may be a custom
        // one, and sql that failed its own checks (it is not checked again against the table).
        assertEquals(List.of(
                v("tableList[0].columns[0].alias", "must be a string, not a number"),
                v("tableList[0].columns[1].name", "must be a string, not a number"),
                v("tableList[0].columns[2].isCustomColumn", "must be true or false, not 'yes'"),
                v("tableList[0].columns[3].isAggregate", "must be true or false, not 'no'"),
                v("tableList[0].columns[4].sql", "must not contain ';'"),
                v("tableList[0].columns[4].sql", "must be a single expression, not a statement (found DROP)"),
                v("tableList[0].columns[0].name",
                        "names 'order_idd', which is not a column of table 'public.orders' (did you mean 'order_id'?)"),
                v("tableList[0].columns[3].sql", "references unknown column 'price'")),
                create("""
                        {"name": "m", "datasourceName": "warehouse", "tableList": [
                           {"schemaName": "public", "name": "orders", "columns": [
                             {"name": "order_idd", "alias": 3},
                             {"name": 7},
                             {"name": "not_looked_up", "isCustomColumn": "yes"},
                             {"name": "total", "isCustomColumn": true, "isAggregate": "no", "sql": "quantity * price"},
                             {"name": "unsafe", "isCustomColumn": true, "sql": "nope; DROP TABLE orders"},
                             {"name": "status"}]}]}"""));
    }

    @Test
    void checksTableTenancyWhoseMappingTableIsNamedWhateverElseIsBroken() {
        assertEquals(List.of(
                v("tenancySettings.clientColumnType", "must be one of NUMBER, STRING, not 'TEXT'"),
                v("tenancySettings.tableClientNameColumn", "must be a string, not a number"),
                v("tenancySettings.tablePrimaryKeyColumn",
                        "names 'pk', which is not a column of table 'public.client_mapping'")),
                create("""
                        {"name": "m", "datasourceName": "warehouse",
                         "tableList": [{"schemaName": "public", "name": "orders", "columns": [{"name": "status"}]}],
                         "tenancySettings": {"tenancyLevel": "TABLE", "clientColumnType": "TEXT",
                           "schemaName": "public", "tableName": "client_mapping", "tableClientNameColumn": 1,
                           "tablePrimaryKeyColumn": "pk"}}"""));
    }

    @Test
    void doesNotLookUpAMappingTableWithoutItsSchemaNameOrOfAnotherLevel() {
        assertEquals(List.of(v("tenancySettings.schemaName", "is required")), create("""
                {"name": "m", "datasourceName": "warehouse",
                 "tableList": [{"schemaName": "public", "name": "orders", "columns": [{"name": "status"}]}],
                 "tenancySettings": {"tenancyLevel": "TABLE", "clientColumnType": "STRING",
                   "tableName": "nothing", "tableClientNameColumn": "a", "tablePrimaryKeyColumn": "b"}}"""));
        assertEquals(List.of(v("tenancySettings.tenancyLevel",
                "must be one of TABLE, DATABASE, MULTI_DATABASE, not 'TABLES'")), create("""
                {"name": "m", "datasourceName": "warehouse",
                 "tableList": [{"schemaName": "public", "name": "orders", "columns": [{"name": "status"}]}],
                 "tenancySettings": {"tenancyLevel": "TABLES", "clientColumnType": "STRING", "schemaName": "public",
                   "tableName": "nothing", "tableClientNameColumn": "a", "tablePrimaryKeyColumn": "b"}}"""));
    }

    @Test
    void checksEachRelationshipEndWithUsableNames() {
        assertEquals(List.of(
                v("relationships[0].parentColumnName", "must be a string, not a number"),
                v("relationships[0].relationshipName", "is required"),
                v("relationships[1]", "must be an object, not an array"),
                v("relationships[2].cardinality", "must be one of ManyToMany, ManyToOne, OneToMany, OneToOne, not 'many'"),
                v("relationships[0].parentTableName",
                        "names table 'order', which datasource 'warehouse' does not have (did you mean 'public.orders'?)"),
                v("relationships[0].childColumnName",
                        "names 'identifier', which is not a column of table 'public.customers'"),
                v("relationships[2].parentColumnName",
                        "names 'customer', which is not a column of table 'public.orders' (did you mean 'customer_id'?)")),
                create("""
                        {"name": "m", "datasourceName": "warehouse",
                         "tableList": [{"schemaName": "public", "name": "orders", "columns": [{"name": "status"}]}],
                         "relationships": [
                           {"parentTableName": "order", "parentColumnName": 1,
                            "childTableName": "customers", "childColumnName": "identifier"},
                           [],
                           {"parentTableName": "orders", "parentColumnName": "customer", "childTableName": "customers",
                            "childColumnName": "id", "relationshipName": "r", "cardinality": "many"}]}"""));
    }

    @Test
    void resolvesRelationshipTablesWithoutGuessingTheSchemaABrokenTableListWouldSay() {
        // events is in two schemas: a table list that is broken where it would say which
        // one the datamart uses leaves ends on events unchecked, not "send schemaName".
        String relationships = """
                "relationships": [
                  {"parentTableName": "events", "parentColumnName": "actor", "childTableName": "orders",
                   "childColumnName": "customer", "relationshipName": "a"},
                  {"parentTableName": "invoices", "parentColumnName": "id", "childTableName": "events",
                   "childColumnName": "nothing", "relationshipName": "b"}]""";
        List<Violation> misses = List.of(
                v("relationships[0].childColumnName",
                        "names 'customer', which is not a column of table 'public.orders' (did you mean 'customer_id'?)"),
                v("relationships[1].parentTableName",
                        "names table 'invoices', which datasource 'warehouse' does not have"));

        List<Violation> notAnArray = new ArrayList<>(List.of(v("tableList", "must be an array, not an object")));
        notAnArray.addAll(misses);
        assertEquals(notAnArray, create("""
                {"name": "m", "datasourceName": "warehouse", "tableList": {"name": "events"}, %s}"""
                .formatted(relationships)));

        List<Violation> brokenSchema = new ArrayList<>(List.of(v("tableList[0].schemaName",
                "must be a string, not null")));
        brokenSchema.addAll(misses);
        assertEquals(brokenSchema, create("""
                {"name": "m", "datasourceName": "warehouse",
                 "tableList": [{"schemaName": null, "name": "events", "columns": [{"name": "event_id"}]}], %s}"""
                .formatted(relationships)));
    }

    @Test
    void listsAtMostAHundredStructuralViolationsFirstThenSchemaMissesAndCountsTheRest() {
        ObjectNode body = Fixtures.documentedCreateBody();
        body.put("datasourceName", "warehouse");
        ArrayNode columns = ((ObjectNode) body.path("tableList").path(0)).putArray("columns");
        for (int i = 0; i < 60; i++) {
            columns.addObject().put("name", "missing_" + i).put("isHidden", true);
        }

        List<Violation> violations = create(body.toString());

        assertEquals(Violations.MAX_LISTED + 1, violations.size());
        for (int i = 0; i < 60; i++) {
            assertEquals(v("tableList[0].columns[" + i + "].isHidden", "is not a known field (did you mean 'isHide'?)"),
                    violations.get(i));
        }
        for (int i = 0; i < 40; i++) {
            assertEquals(v("tableList[0].columns[" + i + "].name", "names 'missing_" + i
                    + "', which is not a column of table 'public.orders'"), violations.get(60 + i));
        }
        assertEquals(v("", "and 20 more problems, not listed"), violations.get(100));
    }

    @Test
    void answersTheBodysOwnViolationsAloneWhenTheSchemaIsUnknown() {
        Datasource unknown = new Datasource("demo", "postgres-main", null);
        ValidatedBody<DatamartDefinition> read = VALIDATOR.readCreate(Fixtures.object(ALL_AT_ONCE));

        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> read.checkedAgainst(unknown, null));

        assertEquals(List.of(v("tableList[0].isHidden", "is not a known field (did you mean 'isHide'?)")),
                refused.violations());
    }

    @Test
    void returnsTheDefinitionOfAValidBodyWhoseNamesAreInTheSchema() {
        ObjectNode body = Fixtures.documentedCreateBody();
        ValidatedBody<DatamartDefinition> read = VALIDATOR.readCreate(body);

        assertSame(read.orThrow(), read.checkedAgainst(WAREHOUSE, null));
        assertEquals(VALIDATOR.validateCreate(body), read.orThrow());
    }

    @Test
    void checksAnUpdatesPartsWhateverElseIsBrokenResolvingRelationshipsThroughTheStoredTableList() {
        // No tableList sent: relationship ends resolve through the stored one (orders, in public).
        assertEquals(List.of(
                v("datasourceName", "cannot be changed by an update: delete the datamart and create it again "
                        + "with the other datasource"),
                v("tenancySettings.tenancyLevel", "is required: one of TABLE, DATABASE, MULTI_DATABASE"),
                v("relationships[0].parentColumnName",
                        "names 'customer', which is not a column of table 'public.orders' (did you mean 'customer_id'?)")),
                update("""
                        {"datamartName": "sales-analytics", "datasourceName": "elsewhere",
                         "tenancySettings": {"tenancyLevel": null},
                         "relationships": [{"parentTableName": "orders", "parentColumnName": "customer",
                           "childTableName": "customers", "childColumnName": "id", "relationshipName": "r"}]}"""));
    }

    @Test
    void checksAnUpdatesTableListAndResolvesItsRelationshipsThroughIt() {
        // The update's tableList puts events in audit: the relationship's actor is found there.
        assertEquals(List.of(
                v("tableList[0].indexPattern", "must be an OpenSearch index pattern such as 'logs-*': lowercase, "
                        + "no spaces, none of \\ / ? \" < > | , #, not starting with -, _ or +"),
                v("tableList[1].name", "names table 'audit.event', which datasource 'warehouse' does not have "
                        + "(did you mean 'audit.events'?)"),
                v("relationships[0].childColumnName",
                        "names 'occurred_at', which is not a column of table 'audit.events'")),
                update("""
                        {"datamartName": "sales-analytics",
                         "tableList": [{"schemaName": "audit", "name": "events", "indexPattern": "Events",
                                        "columns": [{"name": "actor"}]},
                                       {"schemaName": "audit", "name": "event", "columns": [{"name": "actor"}]}],
                         "relationships": [{"parentTableName": "events", "parentColumnName": "actor",
                           "childTableName": "events", "childColumnName": "occurred_at", "relationshipName": "r"}]}"""));
    }

    @Test
    void readsTheNameTheSchemaIsFoundThroughOnlyWhenItIsUsable() {
        assertEquals("warehouse", VALIDATOR.readCreate(Fixtures.object(ALL_AT_ONCE)).lookupName());
        ValidatedBody<DatamartDefinition> noDatasource = VALIDATOR.readCreate(Fixtures.object("""
                {"name": "m", "datasourceName": 5, "tableList": []}"""));
        assertEquals(null, noDatasource.lookupName());
        assertFalse(noDatasource.isValid());
        ValidatedBody<DatamartUpdate> update = VALIDATOR.readUpdate(Fixtures.object("""
                {"datamartName": "sales-analytics", "tableList": []}"""));
        assertEquals("sales-analytics", update.lookupName());
        assertFalse(update.isValid());
        assertEquals(null, VALIDATOR.readUpdate(Fixtures.object("""
                {"datamartName": " ", "relationships": []}""")).lookupName());
    }
}
