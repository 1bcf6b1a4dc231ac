package io.datamart.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.domain.Datamart;
import io.datamart.domain.DatamartDefinition;
import io.datamart.domain.TenancySettings;
import io.datamart.testing.Fixtures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The stored form of a datamart, mapped both ways without DynamoDB (DatamartRepositoryTest
 * covers the round trip through it): each field that was sent is stored under its API
 * name, no other is, and every one reads back as written.
 */
class DatamartItemsTest {
    private static final String ORG = Fixtures.DEMO_ORG;
    private static final Instant NOW = Instant.parse("2026-03-01T10:15:30.123456789Z");

    private static Map<String, AttributeValue> item(String body) {
        return DatamartItems.newItem(ORG, DatamartRepositoryTest.definition(body), NOW);
    }

    private static Map<String, AttributeValue> member(AttributeValue list, int index) {
        return list.l().get(index).m();
    }

    @Test
    void readsBackEveryOptionalFieldItWrote() {
        DatamartDefinition full = DatamartRepositoryTest.definition(DatamartRepositoryTest.FULL_BODY);

        assertEquals(new Datamart(ORG, full, NOW, NOW, 1), DatamartItems.fromItem(DatamartItems.newItem(ORG, full, NOW)));
    }

    @Test
    void storesTheTenancySettingsThatWereSentUnderTheirApiNames() {
        Map<String, AttributeValue> tenancy = item(DatamartRepositoryTest.FULL_BODY).get("tenancySettings").m();

        assertEquals(Map.of(
                "tenancyLevel", AttributeValue.fromS("MULTI_DATABASE"),
                "clientColumnType", AttributeValue.fromS("NUMBER"),
                "schemaName", AttributeValue.fromS("tenancy"),
                "tableName", AttributeValue.fromS("clients"),
                "tableClientNameColumn", AttributeValue.fromS("client_name"),
                "tablePrimaryKeyColumn", AttributeValue.fromS("client_pk"),
                "primaryDatabase", AttributeValue.fromS("main_db")), tenancy);
    }

    @Test
    void storesNoTenancyFieldThatWasNotSentButAlwaysThePrimaryDatabase() {
        // What an update that sends tenancy settings without a level stores.
        AttributeValue tenancy = DatamartItems.tenancySettings(new TenancySettings(null, null, "s", null, null, null, null));

        assertEquals(AttributeValue.fromM(Map.of("schemaName", AttributeValue.fromS("s"),
                "primaryDatabase", AttributeValue.fromNul(true))), tenancy);
    }

    @Test
    void storesEachTableAndColumnFieldThatWasSentUnderItsApiName() {
        Map<String, AttributeValue> table = member(item(DatamartRepositoryTest.FULL_BODY).get("tableList"), 0);

        assertEquals(AttributeValue.fromS("analytics"), table.get("schemaName"));
        assertEquals(AttributeValue.fromS("tenant"), table.get("clientColumn"));
        assertEquals(AttributeValue.fromS("  Événements « bruts » \"quoted\" \\ back\\slash  "), table.get("label"));
        assertEquals(AttributeValue.fromS("events-*"), table.get("indexPattern"));
        assertEquals(AttributeValue.fromBool(true), table.get("isHide"));
        assertEquals(Set.of("name", "schemaName", "clientColumn", "label", "indexPattern", "isHide", "columns"),
                table.keySet());

        Map<String, AttributeValue> id = member(table.get("columns"), 0);
        assertEquals(Map.of("name", AttributeValue.fromS("id"), "alias", AttributeValue.fromS(" id · ☃ "),
                "label", AttributeValue.fromS(""), "isHide", AttributeValue.fromBool(true),
                "isCustomColumn", AttributeValue.fromBool(false), "isAggregate", AttributeValue.fromBool(false),
                "isApplyTimezone", AttributeValue.fromBool(true)), id);
        Map<String, AttributeValue> total = member(table.get("columns"), 1);
        assertEquals(Map.of("name", AttributeValue.fromS("total"), "isCustomColumn", AttributeValue.fromBool(true),
                "sql", AttributeValue.fromS("SUM(amount)\n  || ' 合計'"), "isAggregate", AttributeValue.fromBool(true),
                "isApplyTimezone", AttributeValue.fromBool(false)), total);
    }

    @Test
    void storesNoTableOrColumnFieldThatWasNotSent() {
        Map<String, AttributeValue> table = member(item(DatamartRepositoryTest.MINIMAL_BODY).get("tableList"), 0);

        assertEquals(Set.of("name", "columns"), table.keySet());
        assertEquals(List.of(AttributeValue.fromM(Map.of("name", AttributeValue.fromS("c")))), table.get("columns").l());
    }

    @Test
    void storesTheWireNamesOfCardinalityAndJoinAndNullWhenThereAreNone() {
        AttributeValue relationships = item(DatamartRepositoryTest.FULL_BODY).get("relationships");

        Map<String, AttributeValue> withEnums = member(relationships, 0);
        assertEquals(AttributeValue.fromS("OneToMany"), withEnums.get("cardinality"));
        assertEquals(AttributeValue.fromS("INNER JOIN"), withEnums.get("join"));
        for (int index : new int[] {1, 2}) {
            Map<String, AttributeValue> withoutEnums = member(relationships, index);
            assertTrue(withoutEnums.get("cardinality").nul(), "relationship " + index);
            assertTrue(withoutEnums.get("join").nul(), "relationship " + index);
        }
    }
}
