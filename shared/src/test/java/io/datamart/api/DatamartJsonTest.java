package io.datamart.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.domain.Column;
import io.datamart.domain.Datamart;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.Table;
import io.datamart.testing.Fixtures;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stored datamart as the read routes render it: what the client sent, under its names, and no more. */
class DatamartJsonTest {
    private static final Instant CREATED = Instant.parse("2026-11-22T03:00:00Z");
    private static final Instant UPDATED = Instant.parse("2026-11-22T04:30:00.5Z");

    private static ObjectNode rendered(Table table) {
        DatamartDefinition definition = new DatamartDefinition("m", Fixtures.DATASOURCE, List.of(table), null, null);
        // As the client reads it: the version, a long here, reads back as any JSON number.
        return Fixtures.object(DatamartJson.full(new Datamart(Fixtures.DEMO_ORG, definition, CREATED, UPDATED, 3))
                .toString());
    }

    @Test
    void rendersEveryOptionalFieldOfATableAndItsColumnsThatWasSent() {
        Table table = new Table("orders", "public", "tenant_id", "Orders", "orders_*", false, List.of(
                new Column("total", "amount", "Total", true, true, "quantity * unit_price", true, false),
                new Column("placed_at", null, null, null, false, null, false, true)));

        assertEquals(Fixtures.object("""
                {"name": "m", "datasourceName": "postgres-main",
                 "tableList": [{"name": "orders", "schemaName": "public", "clientColumn": "tenant_id",
                   "label": "Orders", "indexPattern": "orders_*", "isHide": false,
                   "columns": [
                     {"name": "total", "alias": "amount", "label": "Total", "isHide": true, "isCustomColumn": true,
                      "sql": "quantity * unit_price", "isAggregate": true, "isApplyTimezone": false},
                     {"name": "placed_at", "isCustomColumn": false, "isAggregate": false, "isApplyTimezone": true}]}],
                 "tenancySettings": null, "relationships": null,
                 "createdAt": "2026-11-22T03:00:00Z", "updatedAt": "2026-11-22T04:30:00.500Z", "version": 3}
                """), rendered(table));
    }

    @Test
    void leavesOutEveryOptionalFieldThatWasNotSent() {
        Table table = new Table("orders", null, null, null, null, null,
                List.of(new Column("order_id", null, null, null, null, null, null, null)));

        assertEquals(Fixtures.object("""
                {"name": "orders", "columns": [{"name": "order_id"}]}
                """), rendered(table).path("tableList").get(0));
    }
}
