package io.datamart.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A body broken in every kind of way at once, for the "every violation in one answer"
 * tests: an unknown field on table 0, a column table 1 lacks, a table 2 the warehouse
 * catalog lacks, a relationship column its table lacks. The unknown field used to hide
 * the other three.
 */
public final class BrokenParts {
    private static final String PARTS = """
            "tableList": [
               {"schemaName": "public", "name": "orders", "isHidden": true,
                "columns": [{"name": "order_id"}, {"name": "customer_id"}]},
               {"schemaName": "public", "name": "customers", "columns": [{"name": "id"}, {"name": "emal"}]},
               {"schemaName": "public", "name": "invoices", "columns": [{"name": "invoice_id"}]}],
             "relationships": [{"parentTableName": "orders", "parentColumnName": "customer_id",
               "childTableName": "customers", "childColumnName": "customer_id", "relationshipName": "r"}]""";

    /** What the body's parts come to against the warehouse catalog, in order: path, then message. */
    public static final List<List<String>> WAREHOUSE_DETAILS = List.of(
            List.of("tableList[0].isHidden", "is not a known field (did you mean 'isHide'?)"),
            List.of("tableList[1].columns[1].name",
                    "names 'emal', which is not a column of table 'public.customers' (did you mean 'email'?)"),
            List.of("tableList[2].name", "names table 'public.invoices', which datasource 'warehouse' does not have"),
            List.of("relationships[0].childColumnName",
                    "names 'customer_id', which is not a column of table 'public.customers'"));

    /** The one detail left where no schema can be had: the body's own problem. */
    public static final List<List<String>> OWN_DETAILS = WAREHOUSE_DETAILS.subList(0, 1);

    private BrokenParts() {
    }

    /** A create of "all-at-once" on {@code datasourceName}. */
    public static String create(String datasourceName) {
        return "{\"name\": \"all-at-once\", \"datasourceName\": \"" + datasourceName + "\",\n " + PARTS + "}";
    }

    /** An update of {@code datamartName}. */
    public static String update(String datamartName) {
        return "{\"datamartName\": \"" + datamartName + "\",\n " + PARTS + "}";
    }

    /** An error's details as answered, in order: path and message of each. */
    public static List<List<String>> detailsInOrder(JsonNode error) {
        List<List<String>> details = new ArrayList<>();
        error.path("details").forEach(d -> details.add(List.of(d.path("path").asText(), d.path("message").asText())));
        return details;
    }
}
